#pragma once
// A pipeline kept alive to answer requests (request mode, engine/request_runtime.hpp). Built
// once; every submit() pushes one request batch out of the graph's entry node (a node type
// declared NodeRole::Entry: the built-in `request`) under a fresh key, and the batch that
// reaches the exit node (`respond`) under that key completes the future. Requests flow
// concurrently through the same graph and never wait on each other's work.
#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <stdexcept>

#include "pipeline.hpp"
#include "registry.hpp"
#include "resources.hpp"

namespace dag {

// A request did not finish within its deadline (Service::call); the nodes holding its state
// were told to forget it. Typed, so hosts tell it apart from the nodes' own errors.
class RequestTimeout : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Service {
 public:
  // Throws std::invalid_argument unless the pipeline has exactly one entry and one exit node;
  // node factories' exceptions propagate (as NodeError); NeedsParallelism when the process's
  // dag::Parallelism is too small for the pipeline.
  Service(const ResolvedPipeline& p, const Registry& registry, Resources& resources);
  ~Service();  // drains in-flight requests, then tears the graph down
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // The future holds the respond node's batch, or the very exception the node that failed for
  // this request threw (not wrapped), so callers can map their own error types to responses.
  std::future<BatchPtr> submit(BatchPtr request);

  // submit() + wait; throws RequestTimeout after `timeout` (the request is then forgotten).
  BatchPtr call(BatchPtr request, std::chrono::milliseconds timeout);

  std::size_t in_flight() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dag
