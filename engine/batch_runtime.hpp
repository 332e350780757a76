#pragma once
// Internal: one batch run of a pipeline (dag::run_pipeline) on the shared FlowGraph: sources
// produce until done, every node finishes once all its input streams ended, then every node
// commits (or, after any failure, aborts).
//
// End of stream is an Envelope without batch carrying how many batches were sent on that
// port, so a consumer with concurrency > 1 finishes only after it processed all of them,
// whatever order the tasks ran in.
// Bounded in-flight work: each emitted Envelope holds a credit of its producer; the credit is
// returned when the last copy of the Envelope is gone (every consumer finished with it), and
// emit() waits while a node has max_in_flight credits out. The arena gets one extra thread
// for every task that may wait that way (threads_for_batch), so waiting can never starve the
// consumers.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/flow_graph.hpp"
#include "engine/runner.hpp"

namespace dag::detail {

class BatchRuntime {
 public:
  // Throws NodeError (a factory failed) or NeedsParallelism (the process allows too few threads).
  BatchRuntime(const ResolvedPipeline& p, const Registry& registry, Resources& resources, std::size_t max_in_flight,
               std::function<void(const NodeStats&)> on_node_done);
  ~BatchRuntime();
  BatchRuntime(const BatchRuntime&) = delete;
  BatchRuntime& operator=(const BatchRuntime&) = delete;

  // Runs sources to completion, then commits (or aborts) every node.
  void run();

  std::vector<NodeStats> snapshot() const;
  bool failed() const { return failed_.load(); }
  const std::string& error() const { return error_; }
  const std::string& failed_node() const { return failed_node_; }

 private:
  struct Stream {
    bool eos = false;
    std::uint64_t expected = 0;
    std::uint64_t processed = 0;
  };
  // What the batch run keeps per node beside its slot.
  struct NodeState {
    mutable std::mutex mu;  // guards streams, finished, started, times, error
    std::map<StreamKey, Stream> streams;
    bool finished = false;
    bool started = false;
    std::chrono::steady_clock::time_point t_start{}, t_end{};
    std::unique_ptr<std::atomic<std::uint64_t>[]> sent;  // per output port

    std::mutex credit_mu;
    std::condition_variable credit_cv;
    std::size_t outstanding = 0;

    std::atomic<std::uint64_t> batches_in{0}, rows_in{0}, batches_out{0}, rows_out{0};
    std::atomic<NodeStatus> status{NodeStatus::Pending};
    std::string error;
  };
  class Emitter;

  void deliver(std::size_t i, const Envelope& e);
  bool produce(std::size_t i);
  void finish_node(std::size_t i);
  void fail(std::size_t i, std::exception_ptr ex);
  std::shared_ptr<void> acquire_credit(std::size_t i);
  void mark_started(NodeState& st);

  std::size_t max_in_flight_;
  std::function<void(const NodeStats&)> on_node_done_;
  std::vector<std::unique_ptr<NodeState>> state_;
  std::unique_ptr<FlowGraph> graph_;  // after state_: torn down first, its tasks use state_
  std::atomic<bool> failed_{false};
  std::mutex fail_mu_;
  std::string error_, failed_node_;
};

}  // namespace dag::detail
