#pragma once
// One home for "a side thread that does something every so often until it is stopped": the
// runner's progress lines, the LLM node's progress and cancellation watch, the profile cache's
// refresher and the access log's writer. spdlog's periodic_worker would do but takes whole
// seconds only, and these run at 0.1–2 s.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace common {

class Periodic {
 public:
  // `tick` returns true to go on, false to end the thread (the owner still calls stop()).
  using Tick = std::function<bool()>;

  // Starts the thread: it calls `tick` after each `interval` of quiet and at each wake(), never
  // at stop(). The tick runs on that thread, without any lock of this object held.
  Periodic(std::chrono::nanoseconds interval, Tick tick);
  ~Periodic();  // stop()
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

  // Ticks now instead of at the end of the interval (the access log's 64 KiB mark). A wake()
  // during a tick gives one more tick after it (several such wake()s give one).
  void wake();

  // Wakes the thread, lets a tick in progress finish, joins. Idempotent and safe from several
  // threads; at once when the tick ended the thread. Not to be called from inside the tick.
  void stop();

 private:
  void run();

  const std::chrono::nanoseconds interval_;
  const Tick tick_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool due_ = false;
  bool stop_ = false;
  std::mutex join_mu_;  // two stop()s at once must not both join
  std::thread thread_;  // last: started once everything it uses exists
};

}  // namespace common
