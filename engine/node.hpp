#pragma once
// The interface a node type implements. The engine calls it from oneTBB tasks:
//   source nodes: produce() repeatedly until it returns false;
//   other nodes:  consume() for each arriving batch, then finish() once every input ended.
// After the whole graph ran without error, commit() is called on every node (topological
// order); after any failure, abort() instead. A sink therefore stages in consume()/finish()
// and makes its work visible only in commit() — a failure anywhere commits nothing.
// With concurrency > 1, consume() may run on several threads at once for one node.
#include <cstdint>
#include <map>
#include <memory>
#include <functional>
#include <string>
#include <vector>

#include "batch.hpp"
#include "params.hpp"
#include "resources.hpp"

namespace spdlog {
class logger;
}

namespace dag {

class Emitter {
 public:
  virtual ~Emitter() = default;
  // Sends a batch on output port `port` (index into the spec's outputs). May block while the
  // downstream is saturated (bounded in-flight work); returns early when the run is cancelled.
  virtual void emit(std::size_t port, BatchPtr batch) = 0;
  void emit(BatchPtr batch) { emit(0, std::move(batch)); }
  // Correlation key of the message being handled (request mode); 0 in batch runs.
  virtual std::uint64_t key() const = 0;
  // True once the run failed elsewhere; long loops should check it and return.
  virtual bool cancelled() const = 0;
};

// Which input a batch arrived on: the port (index into spec inputs) and, for a variadic
// port, the position among the upstreams listed for it.
struct InputRef {
  std::size_t port = 0;
  std::size_t index = 0;
};

class Node {
 public:
  virtual ~Node() = default;
  virtual bool produce(Emitter&) { return false; }
  virtual void consume(const InputRef&, const BatchPtr&, Emitter&) {}
  virtual void finish(Emitter&) {}
  virtual void commit() {}
  virtual void abort() noexcept {}
  // Request mode: the request with this key failed elsewhere; drop any state kept for it.
  virtual void forget(std::uint64_t /*key*/) noexcept {}
  // Extra figures for the run report (e.g. {"rejected_rows", 3}). Called from the progress
  // thread while the node works: read atomics, not state guarded by the node's own work.
  virtual std::map<std::string, std::int64_t> counters() const { return {}; }
  // Lines of text for the end of the run report (figures that are not integers, e.g. a
  // validation table). Called once the node finished; empty by default.
  virtual std::vector<std::string> summary() const { return {}; }
};

struct NodeContext {
  std::string id;
  std::string type;
  Params params;
  const Settings& settings;
  Resources& resources;
  std::shared_ptr<spdlog::logger> log;
  SourcePos pos;
  std::size_t input_count = 0;  // upstream connections (each entry of `inputs:`)
};

using NodeFactory = std::function<std::unique_ptr<Node>(const NodeContext&)>;

}  // namespace dag
