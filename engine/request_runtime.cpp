#include "engine/request_runtime.hpp"

#include <set>
#include <stdexcept>

#include "engine/parallelism.hpp"

namespace dag::detail {

namespace {

// "'request'" or "'a' or 'b'": the types of the registry that have `role`.
std::string types_with(const Registry& registry, NodeRole role) {
  std::string out;
  for (const auto& t : registry.types())
    if (registry.find(t)->spec.role == role) out += (out.empty() ? "'" : " or '") + t + "'";
  return out.empty() ? "(none registered)" : out;
}

}  // namespace

class RequestRuntime::Emitter final : public dag::Emitter {
 public:
  Emitter(RequestRuntime& rt, std::size_t i, std::uint64_t key) : rt_(rt), i_(i), key_(key) {}
  void emit(std::size_t port, BatchPtr batch) override {
    NodeSlot& slot = rt_.graph_->at(i_);
    if (port >= slot.def->spec->outputs.size())
      throw std::logic_error("emit on port " + std::to_string(port) + ": type has " +
                             std::to_string(slot.def->spec->outputs.size()) + " output(s)");
    if (!batch) throw std::logic_error("emit of a null batch");
    slot.out->try_put(Envelope{std::move(batch), static_cast<std::uint32_t>(i_), static_cast<std::uint32_t>(port), key_, 0, nullptr});
  }
  std::uint64_t key() const override { return key_; }
  bool cancelled() const override { return false; }

 private:
  RequestRuntime& rt_;
  std::size_t i_;
  std::uint64_t key_;
};

RequestRuntime::RequestRuntime(const ResolvedPipeline& p, const Registry& registry, Resources& resources, RequestHooks hooks)
    : hooks_(std::move(hooks)) {
  int entries = 0, exits = 0;
  for (std::size_t i = 0; i < p.nodes.size(); ++i) {
    const auto role = p.nodes[i].spec->role;
    if (role == NodeRole::Entry) {
      ++entries;
      entry_ = i;
    } else if (role == NodeRole::Exit) {
      ++exits;
      exit_ = i;
    }
  }
  if (entries != 1 || exits != 1) {
    throw std::invalid_argument(p.file + ": a service pipeline needs exactly one " + types_with(registry, NodeRole::Entry) +
                                " and one " + types_with(registry, NodeRole::Exit) + " node (has " + std::to_string(entries) +
                                " and " + std::to_string(exits) + ")");
  }
  for (const auto& n : p.nodes) {
    if (n.spec->is_source() && n.spec->role != NodeRole::Entry) {
      throw std::invalid_argument(p.file + ": node '" + n.id + "' (" + n.type +
                                  ") has no inputs; in a service pipeline only the entry node may be a source (it would never run)");
    }
  }
  const std::size_t threads = threads_for_requests(p);
  require_parallelism(p, threads);
  graph_ = std::make_unique<FlowGraph>(p, registry, resources);
  FlowGraph::Wiring w;
  w.execution = [](const NodeSlot& s) {
    return FlowGraph::Execution{static_cast<std::size_t>(s.def->concurrency), s.def->spec->quick};
  };
  w.deliver = [this](std::size_t i, const Envelope& e) { deliver(i, e); };
  graph_->build(threads, w, true);
}

RequestRuntime::~RequestRuntime() { graph_.reset(); }

void RequestRuntime::deliver(std::size_t i, const Envelope& e) {
  NodeSlot& slot = graph_->at(i);
  const auto* refs = slot.refs_for(e);
  if (!refs || !e.batch) return;  // another output port of a shared upstream
  if (i == exit_) {
    if (hooks_.on_response) hooks_.on_response(e.key, e.batch);
    return;
  }
  Emitter em(*this, i, e.key);
  try {
    for (const auto& ref : *refs) slot.node->consume(ref, e.batch, em);
  } catch (...) {
    fail(e.key, std::current_exception());
  }
}

void RequestRuntime::fail(std::uint64_t key, std::exception_ptr ex) {
  if (hooks_.on_error) hooks_.on_error(key, std::move(ex));
  forget(key);
}

void RequestRuntime::forget(std::uint64_t key) {
  for (std::size_t i = 0; i < graph_->size(); ++i) graph_->at(i).node->forget(key);
}

void RequestRuntime::inject(BatchPtr batch, std::uint64_t key) {
  // Put in from the caller's thread: quick nodes run right here (no hand-off, and requests
  // never queue behind each other); a task node's work goes to this runtime's arena, which
  // the graph was built in, whatever arena the caller is in.
  graph_->at(entry_).out->try_put(Envelope{std::move(batch), static_cast<std::uint32_t>(entry_), 0, key, 0, nullptr});
}

}  // namespace dag::detail
