#include "nodes/llm/rate_limiter.hpp"

#include <algorithm>

namespace llm {

TimeSource TimeSource::steady() {
  return {[] { return Clock::now(); },
          [](std::unique_lock<std::mutex>& lock, std::condition_variable& cv, Clock::time_point at) { cv.wait_until(lock, at); }};
}

bool RateLimiter::acquire() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (stop_) return false;
    const auto now = time_.now();
    const auto at = std::max({now, next_, paused_until_});
    if (at <= now) {
      next_ = now + std::chrono::duration_cast<Clock::duration>(interval_);
      return true;
    }
    // Reserve nothing while waiting: a pause may move `at`, and stop() must wake us.
    time_.wait_until(lock, cv_, at);
  }
}

void RateLimiter::pause_for(std::chrono::milliseconds d) {
  std::lock_guard lock(mu_);
  paused_until_ = std::max(paused_until_, time_.now() + d);
}

bool RateLimiter::sleep_for(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  const auto until = time_.now() + d;
  while (!stop_ && time_.now() < until) time_.wait_until(lock, cv_, until);
  return !stop_;
}

void RateLimiter::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
}

bool RateLimiter::stopped() const {
  std::lock_guard lock(mu_);
  return stop_;
}

}  // namespace llm
