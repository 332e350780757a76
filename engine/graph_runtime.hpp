#pragma once
// Internal: a resolved pipeline turned into a oneTBB flow graph. Shared by the batch runner
// and the request-mode Service.
//
// Shape: every pipeline node becomes a function_node (its inputs) feeding a broadcast_node
// (its outputs); sources are driven by an input_node that calls produce() step by step.
// Messages are Envelopes: a batch tagged with its producer, output port and correlation key.
// End of stream is an Envelope without batch carrying how many batches were sent on that
// port, so a consumer with concurrency > 1 finishes only after it processed all of them,
// whatever order the tasks ran in.
// Bounded in-flight work: each emitted Envelope holds a credit of its producer; the credit is
// returned when the last copy of the Envelope is gone (every consumer finished with it), and
// emit() waits while a node has max_in_flight credits out. The arena gets one extra thread
// for every task that may wait that way, so waiting can never starve the consumers.
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

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include "engine/pipeline.hpp"
#include "engine/registry.hpp"
#include "engine/runner.hpp"

namespace spdlog { class logger; }

namespace dag::detail {

struct Envelope {
  BatchPtr batch;  // null: end of stream on (from, port)
  std::uint32_t from = 0;
  std::uint32_t port = 0;
  std::uint64_t key = 0;
  std::uint64_t count = 0;  // end of stream: batches sent on that port
  std::shared_ptr<void> credit;
};

enum class Mode { Batch, Service };

struct Hooks {
  std::function<void(std::uint64_t key, BatchPtr)> on_response;                  // service
  std::function<void(std::uint64_t key, std::exception_ptr, const std::string&)> on_request_error;  // service
  std::function<void(const NodeStats&)> on_node_done;                            // batch
};

class GraphRuntime {
 public:
  GraphRuntime(const ResolvedPipeline& p, const Registry& registry, Resources& resources, Mode mode,
               Hooks hooks, std::size_t max_in_flight);
  ~GraphRuntime();
  GraphRuntime(const GraphRuntime&) = delete;
  GraphRuntime& operator=(const GraphRuntime&) = delete;

  // Batch mode: run sources to completion, then commit (or abort) every node.
  void run();
  // Service mode: push a request batch out of node `index` (a `request` node) under `key`.
  void inject(std::size_t index, BatchPtr batch, std::uint64_t key);
  void forget(std::uint64_t key);

  std::vector<NodeStats> snapshot() const;
  bool failed() const { return failed_.load(); }
  const std::string& error() const { return error_; }
  const std::string& failed_node() const { return failed_node_; }
  const ResolvedPipeline& pipeline() const { return p_; }

 private:
  struct NodeRt;
  class RtEmitter;
  friend class RtEmitter;

  void build();
  void handle(std::size_t i, const Envelope& e);
  bool source_step(std::size_t i);
  void finish_node(std::size_t i);
  void fail(std::size_t i, std::uint64_t key, std::exception_ptr ex);
  std::shared_ptr<void> acquire_credit(std::size_t i);
  void mark_started(NodeRt& rt);

  const ResolvedPipeline& p_;
  Resources& resources_;
  Mode mode_;
  Hooks hooks_;
  std::size_t max_in_flight_;
  bool all_quick_ = false;  // service mode: every node is quick, so a request runs on its caller
  std::vector<std::unique_ptr<NodeRt>> nodes_;
  std::atomic<bool> failed_{false};
  std::mutex fail_mu_;
  std::string error_, failed_node_;
  std::chrono::steady_clock::time_point t0_;

  int threads_ = 1;
  std::unique_ptr<tbb::global_control> gc_;
  std::unique_ptr<tbb::task_arena> arena_;
  std::unique_ptr<tbb::task_group_context> ctx_;
  std::unique_ptr<tbb::flow::graph> graph_;
  std::unique_ptr<tbb::flow::function_node<int>> drain_;
};

}  // namespace dag::detail
