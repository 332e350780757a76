#pragma once
// Node types used only by the engine tests: a counting source, a mapper that can sleep or
// throw, and a sink that records what it saw and whether it committed.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/registry.hpp"

namespace enginetest {

// Shared by the nodes of one test through dag::Resources ("rec").
struct Recorder {
  std::mutex mu;
  std::vector<std::string> events;  // "node:event" in the order they happened
  std::atomic<int> live_batches{0}, peak_live_batches{0};
  std::atomic<int> active{0}, peak_active{0};
  std::atomic<long> rows_committed{0};
  std::atomic<int> commits{0}, aborts{0};
  void log(const std::string& e) {
    std::lock_guard lock(mu);
    events.push_back(e);
  }
  std::size_t index_of(const std::string& e) {
    std::lock_guard lock(mu);
    for (std::size_t i = 0; i < events.size(); ++i)
      if (events[i] == e) return i;
    return static_cast<std::size_t>(-1);
  }
  bool has(const std::string& e) { return index_of(e) != static_cast<std::size_t>(-1); }
  // t_rendezvous: how many deliveries are inside it now.
  std::condition_variable inside_changed;
  int inside = 0;
};

class NumBatch final : public dag::Batch {
 public:
  NumBatch(std::shared_ptr<Recorder> rec, std::vector<long> v) : rec_(std::move(rec)), values(std::move(v)) {
    if (rec_) {
      int now = ++rec_->live_batches;
      int peak = rec_->peak_live_batches.load();
      while (now > peak && !rec_->peak_live_batches.compare_exchange_weak(peak, now)) {
      }
    }
  }
  ~NumBatch() override {
    if (rec_) --rec_->live_batches;
  }
  std::string_view kind() const override { return "num"; }
  std::size_t rows() const override { return values.size(); }

 private:
  std::shared_ptr<Recorder> rec_;

 public:
  std::vector<long> values;
};

class TextBatch final : public dag::Batch {
 public:
  std::string_view kind() const override { return "text"; }
  std::size_t rows() const override { return 1; }
};

// Counts concurrent executions of a scope into the recorder's peak.
struct ActiveScope {
  Recorder& r;
  explicit ActiveScope(Recorder& rec) : r(rec) {
    int now = ++r.active;
    int peak = r.peak_active.load();
    while (now > peak && !r.peak_active.compare_exchange_weak(peak, now)) {
    }
  }
  ~ActiveScope() { --r.active; }
};

void register_test_nodes(dag::Registry& r);

// A registry with the engine built-ins and the test nodes.
dag::Registry test_registry();

// A number for the calling thread (hash of its id).
long thread_number();

}  // namespace enginetest
