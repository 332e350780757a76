#pragma once
// Requests-per-minute limit shared by all workers: request starts are spaced 60/rpm seconds
// apart (a smooth pace, never a burst at the start of a minute), and a 429's Retry-After pauses
// every worker, not only the one that got it. rpm = 0: no limit. Waits end early on stop().
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace llm {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(double rpm)
      : interval_(rpm > 0 ? std::chrono::duration<double>(60.0 / rpm) : std::chrono::duration<double>(0)) {}

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
  mutable std::mutex mu_;
  std::condition_variable cv_;
  Clock::time_point next_{};
  Clock::time_point paused_until_{};
  bool stop_ = false;
};

}  // namespace llm
