#include "engine/flow_graph.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace dag::detail {

namespace flow = tbb::flow;

FlowGraph::FlowGraph(const ResolvedPipeline& p, const Registry& registry, Resources& resources) : p_(p) {
  for (const auto& def : p_.nodes) {
    auto slot = std::make_unique<NodeSlot>();
    slot->def = &def;
    const auto* entry = registry.find(def.type);
    if (!entry) throw NodeError(def.id, def.type, "type not registered");
    auto log = spdlog::default_logger()->clone(def.id);
    NodeContext ctx{def.id, def.type, def.params, p_.settings, resources, log, def.pos, def.inputs.size()};
    try {
      slot->node = entry->factory(ctx);
    } catch (const std::exception& e) {
      throw NodeError(def.id, def.type, e.what());
    }
    if (!slot->node) throw NodeError(def.id, def.type, "factory returned no node");
    for (const auto& b : def.inputs) {
      slot->bindings[{static_cast<std::uint32_t>(b.from), static_cast<std::uint32_t>(b.from_port)}].push_back(
          InputRef{b.port, b.index});
    }
    slots_.push_back(std::move(slot));
  }
}

void FlowGraph::drain() {
  if (!graph_) return;
  arena_->execute([&] {
    if (keep_alive_) graph_->release_wait();
    keep_alive_ = false;
    graph_->wait_for_all();
  });
}

FlowGraph::~FlowGraph() {
  if (!graph_) return;
  drain();
  arena_->execute([&] {
    drain_.reset();
    extra_.clear();
    for (auto& n : slots_) {
      n->src.reset();
      n->fn.reset();
      n->successors.clear();
    }
    graph_.reset();
  });
}

void FlowGraph::build(std::size_t threads, const Wiring& w, bool keep_alive) {
  arena_ = std::make_unique<tbb::task_arena>(static_cast<int>(threads));
  ctx_ = std::make_unique<tbb::task_group_context>();
  keep_alive_ = keep_alive;
  // Built inside the arena: the graph spawns its tasks into the arena it was created in,
  // whichever thread puts a message in.
  arena_->execute([&] {
    graph_ = std::make_unique<flow::graph>(*ctx_);
    drain_ = std::make_unique<flow::function_node<int>>(*graph_, flow::unlimited, [](int) {});
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      NodeSlot& s = *slots_[i];
      if (s.def->spec->is_source()) {
        if (w.produce) {
          s.src = std::make_unique<flow::input_node<int>>(*graph_, [produce = w.produce, i](tbb::flow_control& fc) -> int {
            if (!produce(i)) fc.stop();
            return 0;
          });
          flow::make_edge(*s.src, *drain_);
        }
        continue;
      }
      const Execution ex = w.execution(s);
      const std::size_t conc = ex.concurrency == 0 ? static_cast<std::size_t>(flow::unlimited) : ex.concurrency;
      if (ex.inline_body) {
        // oneTBB runs a lightweight body inline only when it is noexcept; the runtimes' deliver
        // turns node exceptions into errors, and this catches what is left (allocation failure).
        auto body = [deliver = w.deliver, i](const Envelope& e) noexcept {
          try {
            deliver(i, e);
          } catch (...) {
            spdlog::error("engine: an error escaped the inline body of node {}", i);
          }
        };
        auto f = std::make_unique<flow::function_node<Envelope, flow::continue_msg, flow::lightweight>>(*graph_, conc, body);
        s.in = f.get();
        s.fn = std::move(f);
      } else {
        auto f = std::make_unique<flow::function_node<Envelope>>(*graph_, conc,
                                                                 [deliver = w.deliver, i](const Envelope& e) { deliver(i, e); });
        s.in = f.get();
        s.fn = std::move(f);
      }
    }
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (!slots_[i]->in) continue;
      flow::receiver<Envelope>* target = w.front ? w.front(i, *graph_) : nullptr;
      if (!target) target = slots_[i]->in;
      std::vector<std::size_t> ups;
      for (const auto& b : slots_[i]->def->inputs)
        if (std::find(ups.begin(), ups.end(), b.from) == ups.end()) ups.push_back(b.from);
      for (auto u : ups) slots_[u]->successors.push_back(target);
    }
    if (keep_alive_) graph_->reserve_wait();
  });
}

}  // namespace dag::detail
