#pragma once
// Requests-per-minute limit shared by all workers: request starts are spaced 60/rpm seconds
// apart (a smooth pace, never a burst at the start of a minute), and a 429's Retry-After pauses
// every worker, not only the one that got it. rpm = 0: no limit. Waits end early on stop().
//
// Time comes from a TimeSource: the steady clock in production; tests pass a virtual one so
// that the pacing is checked exactly, without wall-clock bounds that flake on a busy machine.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

namespace llm {

struct TimeSource {
  using Clock = std::chrono::steady_clock;
  // The current time.
  std::function<Clock::time_point()> now;
  // Waits on `cv` (with `lock` held, as condition_variable::wait_until) until `at`, a
  // notification or a spurious wake-up. The caller re-checks its condition either way.
  std::function<void(std::unique_lock<std::mutex>&, std::condition_variable&, Clock::time_point)> wait_until;

  static TimeSource steady();
};

class RateLimiter {
 public:
  using Clock = TimeSource::Clock;
  explicit RateLimiter(double rpm, TimeSource time = TimeSource::steady())
      : interval_(rpm > 0 ? std::chrono::duration<double>(60.0 / rpm) : std::chrono::duration<double>(0)),
        time_(std::move(time)) {}

  // Blocks until this caller may start a request; false when stopped meanwhile.
  bool acquire();
  // No request starts before now + d.
  void pause_for(std::chrono::milliseconds d);
  // Sleeps for d unless stopped; false when stopped.
  bool sleep_for(std::chrono::milliseconds d);
  void stop();
  bool stopped() const;

 private:
  std::chrono::duration<double> interval_;
  TimeSource time_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  Clock::time_point next_{};
  Clock::time_point paused_until_{};
  bool stop_ = false;
};

}  // namespace llm
