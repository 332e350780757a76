// common::Periodic: the one "every so often until stopped" thread. Intervals of an hour stand
// for "never by the clock", so only wake() and stop() can cause what a case checks; waits for a
// tick are bounded by a generous deadline that fails the case instead of hanging it.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/periodic.hpp"

namespace {

using namespace std::chrono_literals;

// Counts ticks; lets a case wait until a count is reached.
struct Ticks {
  std::mutex mu;
  std::condition_variable cv;
  int n = 0;
  void add() {
    {
      std::lock_guard lock(mu);
      ++n;
    }
    cv.notify_all();
  }
  bool reach(int want) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 30s, [&] { return n >= want; });
  }
  int count() {
    std::lock_guard lock(mu);
    return n;
  }
  // A tick that counts itself and then goes on (or ends the thread).
  common::Periodic::Tick counter(bool go_on = true) {
    return [this, go_on] {
      add();
      return go_on;
    };
  }
};

}  // namespace

TEST_CASE("periodic: ticks after each interval until stopped, never at stop", "[common][periodic]") {
  Ticks t;
  common::Periodic p(1ms, t.counter());
  REQUIRE(t.reach(3));
  p.stop();
  const int after_stop = t.count();
  std::this_thread::sleep_for(20ms);  // a chance for a tick that must not come
  CHECK(t.count() == after_stop);
  p.stop();  // idempotent
}

TEST_CASE("periodic: stop() ends an hour-long wait at once and runs no tick", "[common][periodic]") {
  Ticks t;
  common::Periodic p(1h, t.counter());
  p.stop();  // would block for an hour if it did not wake the thread
  CHECK(t.count() == 0);
}

TEST_CASE("periodic: wake() ticks without waiting out the interval, also during a tick", "[common][periodic]") {
  Ticks t;
  std::mutex gate;
  std::unique_lock hold(gate);  // the first tick waits here until the case lets it finish
  std::atomic<bool> in_first{false};
  common::Periodic p(1h, [&] {
    if (t.count() == 0) {
      in_first = true;
      std::lock_guard pass(gate);
    }
    t.add();
    return true;
  });
  p.wake();
  while (!in_first) std::this_thread::yield();
  p.wake();  // during the first tick: one more tick after it
  hold.unlock();
  REQUIRE(t.reach(2));
  p.wake();
  REQUIRE(t.reach(3));
}

TEST_CASE("periodic: a tick that returns false ends the thread", "[common][periodic]") {
  Ticks t;
  common::Periodic p(1ms, t.counter(false));
  REQUIRE(t.reach(1));
  std::this_thread::sleep_for(20ms);  // twenty intervals: a thread still running would tick again
  p.wake();
  std::this_thread::sleep_for(5ms);
  CHECK(t.count() == 1);
  p.stop();
}

TEST_CASE("periodic: stop() from two threads at once joins once", "[common][periodic]") {
  for (int round = 0; round < 50; ++round) {
    common::Periodic p(1h, [] { return true; });
    std::thread other([&] { p.stop(); });
    p.stop();
    other.join();
  }
  SUCCEED("no double join (std::system_error or a crash otherwise)");
}
