#pragma once
// When to try a request again, and how long to wait first.
//   wait(n) = min(max_backoff, base · 2^n) · (0.5 + 0.5·u),  u uniform in [0, 1)  ("equal jitter")
// A Retry-After from the server is a lower bound (capped at max_backoff, so that one answer
// cannot stall the run for an hour). Attempts are bounded: 1 + max_retries per occupation.
#include <chrono>
#include <optional>
#include <random>

namespace llm {

struct RetryPolicy {
  int max_retries = 4;
  std::chrono::milliseconds base{1000};
  std::chrono::milliseconds max_backoff{60000};

  // `retry` = 0 for the wait before the first retry. `u` in [0, 1).
  std::chrono::milliseconds wait(int retry, double u, std::optional<double> retry_after_s) const;
};

// Parses a Retry-After header value: delta-seconds ("2", "1.5") or an HTTP-date
// ("Wed, 21 Oct 2015 07:28:00 GMT", relative to `now`). nullopt when unreadable.
std::optional<double> parse_retry_after(const std::string& value,
                                        std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace llm
