#include "engine/request_runtime.hpp"

#include <sys/resource.h>

#include <stdexcept>

#include <spdlog/spdlog.h>

#include "engine/parallelism.hpp"
#include "engine/service.hpp"

namespace dag::detail {

namespace flow = tbb::flow;
using Clock = std::chrono::steady_clock;

namespace {

// "'request'" or "'a' or 'b'": the types of the registry that have `role`.
std::string types_with(const Registry& registry, NodeRole role) {
  std::string out;
  for (const auto& t : registry.types())
    if (registry.find(t)->spec.role == role) out += (out.empty() ? "'" : " or '") + t + "'";
  return out.empty() ? "(none registered)" : out;
}

long voluntary_switches() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  return u.ru_nvcsw;
}

// Quick contract check: the time (and the voluntary context switches: the thread waited for
// something) a delivery spent in its own node, without what ran inline below it.
struct Frame {
  Clock::time_point start;
  long switches;
  Clock::duration child_time{};
  long child_switches = 0;
};
thread_local Frame* current_frame = nullptr;

}  // namespace

RequestState::~RequestState() {
  if (over.load()) runtime->forget(key);
}

class RequestRuntime::Emitter final : public dag::Emitter {
 public:
  Emitter(RequestRuntime& rt, std::size_t i, const Envelope& in) : rt_(rt), i_(i), in_(in) {}
  void emit(std::size_t port, BatchPtr batch) override {
    NodeSlot& slot = rt_.graph_->at(i_);
    if (port >= slot.def->spec->outputs.size())
      throw std::logic_error("emit on port " + std::to_string(port) + ": type has " +
                             std::to_string(slot.def->spec->outputs.size()) + " output(s)");
    if (!batch) throw std::logic_error("emit of a null batch");
    slot.put(Envelope{std::move(batch), static_cast<std::uint32_t>(i_), static_cast<std::uint32_t>(port), in_.key, 0, nullptr,
                      in_.request});
  }
  std::uint64_t key() const override { return in_.key; }
  bool cancelled() const override { return in_.request && in_.request->over.load(); }

 private:
  RequestRuntime& rt_;
  std::size_t i_;
  const Envelope& in_;
};

RequestRuntime::RequestRuntime(const ResolvedPipeline& p, const Registry& registry, Resources& resources, RequestHooks hooks,
                               QuickCheck quick)
    : hooks_(std::move(hooks)), quick_(quick) {
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
      throw std::invalid_argument(
          p.file + ": node '" + n.id + "' (" + n.type +
          ") has no inputs; in a service pipeline only the entry node may be a source (it would never run)");
    }
    if (n.queue_limit && (n.spec->quick || n.spec->role != NodeRole::Step)) {
      throw std::invalid_argument(p.file + ": node '" + n.id + "' (" + n.type +
                                  ") runs on the thread that delivers to it and has no queue; queue_limit applies to task nodes");
    }
  }
  waiting_ = std::make_unique<std::atomic<std::size_t>[]>(p.nodes.size());
  const std::size_t threads = threads_for_requests(p);
  require_parallelism(p, threads);
  graph_ = std::make_unique<FlowGraph>(p, registry, resources);
  FlowGraph::Wiring w;
  w.execution = [](const NodeSlot& s) {
    return FlowGraph::Execution{static_cast<std::size_t>(s.def->concurrency), s.def->spec->quick};
  };
  w.deliver = [this](std::size_t i, const Envelope& e) { deliver(i, e); };
  // Bounded task nodes get an admission stage in front: it runs on the sender's thread and
  // refuses the request when the node already has queue_limit requests waiting.
  w.front = [this](std::size_t i, flow::graph& g) -> flow::receiver<Envelope>* {
    if (graph_->at(i).def->queue_limit == 0) return nullptr;
    auto gate = std::make_unique<flow::function_node<Envelope, flow::continue_msg, flow::lightweight>>(
        g, flow::unlimited, [this, i](const Envelope& e) noexcept {
          try {
            admit(i, e);
          } catch (...) {
            spdlog::error("engine: admission to node {} failed", graph_->at(i).def->id);
          }
        });
    auto* raw = gate.get();
    graph_->own(std::move(gate));
    return raw;
  };
  graph_->build(threads, w, true);
}

RequestRuntime::~RequestRuntime() {
  graph_->drain();  // the last tasks still deliver through this runtime
  graph_.reset();
}

void RequestRuntime::admit(std::size_t i, const Envelope& e) {
  NodeSlot& slot = graph_->at(i);
  if (!slot.refs_for(e) || !e.batch) return;
  const auto limit = slot.def->queue_limit;
  if (waiting_[i].fetch_add(1) >= limit) {
    waiting_[i].fetch_sub(1);
    fail(e, std::make_exception_ptr(QueueFull("node '" + slot.def->id + "' (" + slot.def->type + "): " + std::to_string(limit) +
                                              " request(s) already waiting")));
    return;
  }
  slot.in->try_put(e);
}

void RequestRuntime::deliver(std::size_t i, const Envelope& e) {
  NodeSlot& slot = graph_->at(i);
  if (slot.def->queue_limit) waiting_[i].fetch_sub(1);  // admitted by admit(); no longer waiting
  if (!slot.refs_for(e) || !e.batch) return;            // another output port of a shared upstream
  if (e.request && e.request->over.load()) return;      // failed or timed out meanwhile
  if (!quick_.enabled) return consume(i, e);
  Frame f{Clock::now(), voluntary_switches()};
  Frame* parent = current_frame;
  current_frame = &f;
  consume(i, e);
  current_frame = parent;
  const auto total = Clock::now() - f.start;
  const long switches = voluntary_switches() - f.switches;
  if (parent) {
    parent->child_time += total;
    parent->child_switches += switches;
  }
  const auto own = total - f.child_time;
  // The exit is not checked: its consume() is the host's answer (the host's own business).
  if (slot.def->spec->quick && i != exit_ && own > quick_.limit && switches - f.child_switches > 0) {
    quick_violations_.fetch_add(1);
    spdlog::error(
        "engine: node '{}' ({}) is declared quick but its consume() took {} ms and waited (it must not block: "
        "NodeSpec::quick)",
        slot.def->id, slot.def->type, std::chrono::duration_cast<std::chrono::milliseconds>(own).count());
  }
}

void RequestRuntime::consume(std::size_t i, const Envelope& e) {
  if (i == exit_) {
    if (hooks_.on_response) hooks_.on_response(e.key, e.batch);
    return;
  }
  NodeSlot& slot = graph_->at(i);
  const auto& refs = *slot.refs_for(e);
  Emitter em(*this, i, e);
  try {
    for (const auto& ref : refs) slot.node->consume(ref, e.batch, em);
  } catch (...) {
    fail(e, std::current_exception());
  }
}

void RequestRuntime::fail(const Envelope& e, std::exception_ptr ex) {
  if (e.request && e.request->over.exchange(true)) return;  // already failed or timed out: one answer
  if (hooks_.on_error) hooks_.on_error(e.key, std::move(ex));
  forget(e.key);
}

void RequestRuntime::cancel(std::uint64_t key, const std::weak_ptr<RequestState>& request) {
  if (auto r = request.lock()) r->over.store(true);  // its last message forgets it once more
  forget(key);
}

void RequestRuntime::forget(std::uint64_t key) noexcept {
  if (!graph_) return;  // tearing down
  for (std::size_t i = 0; i < graph_->size(); ++i) graph_->at(i).node->forget(key);
}

std::weak_ptr<RequestState> RequestRuntime::inject(BatchPtr batch, std::uint64_t key) {
  auto state = std::make_shared<RequestState>();
  state->runtime = this;
  state->key = key;
  std::weak_ptr<RequestState> handle = state;
  // Put in from the caller's thread: quick nodes run right here (no hand-off, and requests
  // never queue behind each other); a task node's work goes to this runtime's arena, which
  // the graph was built in, whatever arena the caller is in.
  graph_->at(entry_).put(Envelope{std::move(batch), static_cast<std::uint32_t>(entry_), 0, key, 0, nullptr, std::move(state)});
  return handle;
}

}  // namespace dag::detail
