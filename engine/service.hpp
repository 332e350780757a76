#pragma once
// A pipeline kept alive to answer requests (request mode, engine/request_runtime.hpp). Built
// once; every submit() pushes one request batch out of the graph's entry node (a node type
// declared NodeRole::Entry: the built-in `request`) under a fresh key, and the batch that
// reaches the exit node (`respond`) under that key answers it. Requests flow concurrently
// through the same graph and never wait on each other's work.
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>

#include "pipeline.hpp"
#include "registry.hpp"
#include "resources.hpp"

namespace dag {

// A request did not finish within its deadline; the nodes holding its state were told to
// forget it. Typed, so hosts tell it apart from the nodes' own errors.
class RequestTimeout : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A request reached a node whose queue of waiting requests (`queue_limit` in the pipeline)
// was full; it was refused there, not queued.
class QueueFull : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ServiceOptions {
  // Checks the quick contract (NodeSpec::quick: consume() never blocks): a quick node whose
  // own consume() (what it sends on inline excluded) took longer than `quick_limit` and gave
  // up its thread meanwhile is logged as an error and counted. On in debug builds.
#ifdef NDEBUG
  bool check_quick = false;
#else
  bool check_quick = true;
#endif
  std::chrono::milliseconds quick_limit{50};
};

class Service {
 public:
  // Throws std::invalid_argument unless the pipeline has exactly one entry and one exit node;
  // node factories' exceptions propagate (as NodeError); NeedsParallelism when the process's
  // dag::Parallelism is too small for the pipeline.
  Service(const ResolvedPipeline& p, const Registry& registry, Resources& resources, ServiceOptions opts = {});
  ~Service();  // drains in-flight requests, then tears the graph down
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // The answer: the exit node's batch, or the very exception the node that failed for this
  // request threw (not wrapped), so callers can map their own error types to responses.
  using Done = std::function<void(BatchPtr, std::exception_ptr)>;

  // Asynchronous: `done` runs exactly once — on the thread that finished the request (the
  // caller's own, before submit returns, when the request's path is all quick nodes), or
  // with RequestTimeout from the deadline watcher once `deadline` passed (0: none).
  void submit(BatchPtr request, std::chrono::milliseconds deadline, Done done);

  std::future<BatchPtr> submit(BatchPtr request);

  // submit() + wait; throws RequestTimeout after `timeout` (the request is then forgotten).
  BatchPtr call(BatchPtr request, std::chrono::milliseconds timeout);

  std::size_t in_flight() const;
  // Quick nodes caught blocking (ServiceOptions::check_quick).
  std::uint64_t quick_contract_violations() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dag
