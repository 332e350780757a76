#include "common/periodic.hpp"

#include <utility>

namespace common {

Periodic::Periodic(std::chrono::nanoseconds interval, Tick tick)
    : interval_(interval), tick_(std::move(tick)), thread_([this] { run(); }) {}

Periodic::~Periodic() { stop(); }

void Periodic::wake() {
  {
    std::lock_guard lock(mu_);
    due_ = true;
  }
  cv_.notify_one();
}

void Periodic::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  std::lock_guard join(join_mu_);
  if (thread_.joinable()) thread_.join();
}

void Periodic::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait_for(lock, interval_, [this] { return due_ || stop_; });
    if (stop_) return;
    due_ = false;
    lock.unlock();
    const bool go_on = tick_();
    lock.lock();
    if (!go_on) return;
  }
}

}  // namespace common
