#pragma once
// Internal: a pipeline kept alive to answer requests (dag::Service) on the shared FlowGraph.
// The node whose spec is the entry point (NodeRole::Entry, the built-in `request`) receives
// injected requests; what reaches the exit point (`respond`) under a request's key answers it.
// No end-of-stream, no credits, no commit: requests flow through concurrently, each under its
// own correlation key, and a failure fails only its request.
//
// Quick nodes (NodeSpec::quick) run inline on the thread that delivers their input (oneTBB
// lightweight), so a request whose path is all quick runs start to finish on the thread that
// injected it; any other node runs as a task of the runtime's arena.
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>

#include "engine/flow_graph.hpp"

namespace dag::detail {

struct RequestHooks {
  std::function<void(std::uint64_t key, BatchPtr)> on_response;
  // The exception the failing node threw, unwrapped, so hosts map their own error types.
  std::function<void(std::uint64_t key, std::exception_ptr)> on_error;
};

class RequestRuntime {
 public:
  // Throws std::invalid_argument unless the pipeline has exactly one entry and one exit node
  // (and no other source), NodeError when a factory fails, NeedsParallelism when the process
  // allows too few threads.
  RequestRuntime(const ResolvedPipeline& p, const Registry& registry, Resources& resources, RequestHooks hooks);
  ~RequestRuntime();
  RequestRuntime(const RequestRuntime&) = delete;
  RequestRuntime& operator=(const RequestRuntime&) = delete;

  // Sends `batch` out of the entry node under `key`. Quick nodes run before this returns.
  void inject(BatchPtr batch, std::uint64_t key);
  // The request failed or timed out: every node drops what it keeps for it.
  void forget(std::uint64_t key);

 private:
  class Emitter;
  void deliver(std::size_t i, const Envelope& e);
  void fail(std::uint64_t key, std::exception_ptr ex);

  RequestHooks hooks_;
  std::size_t entry_ = 0, exit_ = 0;
  std::unique_ptr<FlowGraph> graph_;
};

}  // namespace dag::detail
