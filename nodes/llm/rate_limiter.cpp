#include "nodes/llm/rate_limiter.hpp"

#include <algorithm>

namespace llm {

bool RateLimiter::acquire() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (stop_) return false;
    const auto now = Clock::now();
    const auto at = std::max({now, next_, paused_until_});
    if (at <= now) {
      next_ = now + std::chrono::duration_cast<Clock::duration>(interval_);
      return true;
    }
    // Reserve nothing while waiting: a pause may move `at`, and stop() must wake us.
    cv_.wait_until(lock, at);
  }
}

void RateLimiter::pause_for(std::chrono::milliseconds d) {
  std::lock_guard lock(mu_);
  paused_until_ = std::max(paused_until_, Clock::now() + d);
}

bool RateLimiter::sleep_for(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [&] { return stop_; });
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
