#pragma once
// Internal: a resolved pipeline's nodes instantiated and wired into a oneTBB flow graph — what
// the batch runtime (engine/batch_runtime.*) and the request runtime (engine/request_runtime.*)
// share. The runtimes decide what a message does when it arrives (deliver) and how a source
// takes a step (produce); the builder only makes the graph.
//
// Shape: every pipeline node becomes a function_node (its inputs); its outputs go to the
// function_nodes downstream through a fixed list of successors (NodeSlot::put); sources are
// driven by an input_node that calls produce() step by step.
//
// Why not a broadcast_node per node: oneTBB 2021's broadcast_cache::try_put_task holds the
// node's successor lock as a writer while it calls each successor, and a lightweight successor
// runs its body right there. On the request path every node is inline, so the entry node's lock
// was held for a whole request, reply included: two HTTP threads took turns (the other spun in
// sched_yield). The edges of a built graph never change, so the list needs no lock.
// Messages are Envelopes: a batch tagged with its producer, output port and correlation key.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include "engine/pipeline.hpp"
#include "engine/registry.hpp"

namespace dag::detail {

struct RequestState;  // request runtime: one request in flight (engine/request_runtime.hpp)

struct Envelope {
  BatchPtr batch;  // null: end of stream on (from, port) (batch runs)
  std::uint32_t from = 0;
  std::uint32_t port = 0;
  std::uint64_t key = 0;
  std::uint64_t count = 0;                // end of stream: batches sent on that port
  std::shared_ptr<void> credit;           // batch runs: returns its producer's credit when the last copy is gone
  std::shared_ptr<RequestState> request;  // request runs: shared by every message of the request
};

using StreamKey = std::pair<std::uint32_t, std::uint32_t>;  // (upstream node, its output port)

// One pipeline node at run time.
struct NodeSlot {
  const ResolvedNode* def = nullptr;
  std::unique_ptr<Node> node;
  std::map<StreamKey, std::vector<InputRef>> bindings;  // where each upstream stream arrives here
  // Downstream receivers (function_nodes or admission stages), one per downstream node; fixed
  // once build() returns.
  std::vector<tbb::flow::receiver<Envelope>*> successors;
  // A function_node, queueing or lightweight (two types): owned as a graph_node, fed through
  // its receiver side.
  std::unique_ptr<tbb::flow::graph_node> fn;
  tbb::flow::receiver<Envelope>* in = nullptr;
  std::unique_ptr<tbb::flow::input_node<int>> src;

  // Sends one of this node's outputs to every downstream node (receiver::try_put: an inline
  // body runs here, a task body is spawned into the graph's arena). Queueing function_nodes
  // never reject a message.
  void put(const Envelope& e) const {
    for (auto* r : successors) r->try_put(e);
  }

  // The inputs an envelope arrives on; null when it is another output of a shared upstream.
  const std::vector<InputRef>* refs_for(const Envelope& e) const {
    auto it = bindings.find({e.from, e.port});
    return it == bindings.end() ? nullptr : &it->second;
  }
};

class FlowGraph {
 public:
  // How node i is run: its message handler's concurrency (0 = unlimited) and whether it runs
  // on the delivering thread (oneTBB lightweight) instead of as a task.
  struct Execution {
    std::size_t concurrency = 1;
    bool inline_body = false;
  };
  struct Wiring {
    std::function<Execution(const NodeSlot&)> execution;
    std::function<void(std::size_t, const Envelope&)> deliver;
    // One step of source i; false when it is done. Unset: sources get no input_node (request
    // pipelines, whose entry is fed by inject()).
    std::function<bool(std::size_t)> produce;
    // Where upstream edges into node i end; unset (or null): the node's own function_node.
    // (The request runtime puts an admission stage in front of bounded queues.)
    std::function<tbb::flow::receiver<Envelope>*(std::size_t, tbb::flow::graph&)> front;
  };

  // Instantiates every node: a factory's exception becomes a NodeError naming the node.
  FlowGraph(const ResolvedPipeline& p, const Registry& registry, Resources& resources);
  ~FlowGraph();  // drain(), then tears the graph down inside its arena
  // Waits until no task is left (ending keep_alive). Runtimes call it while they are still
  // whole: the last tasks run their deliver. Idempotent.
  void drain();
  FlowGraph(const FlowGraph&) = delete;
  FlowGraph& operator=(const FlowGraph&) = delete;

  // Builds the oneTBB graph in an arena of `threads`. `keep_alive`: the graph stays alive
  // without pending work (request pipelines are fed from outside).
  void build(std::size_t threads, const Wiring& w, bool keep_alive);

  std::size_t size() const { return slots_.size(); }
  NodeSlot& at(std::size_t i) { return *slots_[i]; }
  const NodeSlot& at(std::size_t i) const { return *slots_[i]; }
  const ResolvedPipeline& pipeline() const { return p_; }
  tbb::task_arena& arena() { return *arena_; }
  tbb::flow::graph& graph() { return *graph_; }
  tbb::task_group_context& context() { return *ctx_; }
  // Stages the runtime added (admission nodes); destroyed with the graph.
  void own(std::unique_ptr<tbb::flow::graph_node> n) { extra_.push_back(std::move(n)); }

 private:
  const ResolvedPipeline& p_;
  std::vector<std::unique_ptr<NodeSlot>> slots_;
  bool keep_alive_ = false;
  std::unique_ptr<tbb::task_arena> arena_;
  std::unique_ptr<tbb::task_group_context> ctx_;
  std::unique_ptr<tbb::flow::graph> graph_;
  std::unique_ptr<tbb::flow::function_node<int>> drain_;
  std::vector<std::unique_ptr<tbb::flow::graph_node>> extra_;
};

}  // namespace dag::detail
