#pragma once
// Internal: a pipeline kept alive to answer requests (dag::Service) on the shared FlowGraph.
// The node whose spec is the entry point (NodeRole::Entry, the built-in `request`) receives
// injected requests; what reaches the exit point (`respond`) under a request's key answers it.
// No end-of-stream, no credits, no commit: requests flow through concurrently, each under its
// own correlation key, and a failure fails only its request.
//
// Quick nodes (NodeSpec::quick) run inline on the thread that delivers their input (oneTBB
// lightweight), so a request whose path is all quick runs start to finish on the thread that
// injected it; any other node runs as a task of the runtime's arena. A task node may bound
// the requests waiting for it (`queue_limit`): one more fails with dag::QueueFull at once.
//
// Every message of a request shares its RequestState. Once the request failed, timed out or
// was answered, messages still on their way are dropped unread, and when the last of them is
// gone the nodes are told to forget the key again — so state a branch left behind after
// another branch failed (a join's half) never outlives the request.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <vector>

#include "engine/flow_graph.hpp"

namespace dag::detail {

class RequestRuntime;

struct RequestState {
  RequestRuntime* runtime = nullptr;
  std::uint64_t key = 0;
  std::atomic<bool> over{false};  // failed or timed out: nothing more is delivered
  ~RequestState();
};

struct RequestHooks {
  std::function<void(std::uint64_t key, BatchPtr)> on_response;
  // The exception the failing node threw, unwrapped, so hosts map their own error types.
  std::function<void(std::uint64_t key, std::exception_ptr)> on_error;
};

struct QuickCheck {
  bool enabled = false;
  std::chrono::milliseconds limit{50};
};

class RequestRuntime {
 public:
  // Throws std::invalid_argument unless the pipeline has exactly one entry and one exit node
  // (and no other source, and queue limits only on task nodes), NodeError when a factory
  // fails, NeedsParallelism when the process allows too few threads.
  RequestRuntime(const ResolvedPipeline& p, const Registry& registry, Resources& resources, RequestHooks hooks,
                 QuickCheck quick = {});
  ~RequestRuntime();
  RequestRuntime(const RequestRuntime&) = delete;
  RequestRuntime& operator=(const RequestRuntime&) = delete;

  // Sends `batch` out of the entry node under `key`. Quick nodes run before this returns.
  // The handle lets the host cancel() it (a deadline).
  std::weak_ptr<RequestState> inject(BatchPtr batch, std::uint64_t key);
  // The request is over for the host (deadline): drop its messages, forget its state.
  void cancel(std::uint64_t key, const std::weak_ptr<RequestState>& request);
  // Every node drops what it keeps for `key`.
  void forget(std::uint64_t key) noexcept;

  std::uint64_t quick_violations() const { return quick_violations_.load(); }

 private:
  class Emitter;
  void deliver(std::size_t i, const Envelope& e);
  void consume(std::size_t i, const Envelope& e);
  void admit(std::size_t i, const Envelope& e);
  void fail(const Envelope& e, std::exception_ptr ex);

  RequestHooks hooks_;
  QuickCheck quick_;
  std::size_t entry_ = 0, exit_ = 0;
  // Per node: requests waiting for it now (task nodes with a queue_limit).
  std::unique_ptr<std::atomic<std::size_t>[]> waiting_;
  std::atomic<std::uint64_t> quick_violations_{0};
  std::unique_ptr<FlowGraph> graph_;
};

}  // namespace dag::detail
