#include "engine/graph_runtime.hpp"

#include <algorithm>
#include <thread>

#include <spdlog/spdlog.h>

namespace dag::detail {

namespace flow = tbb::flow;
using Clock = std::chrono::steady_clock;

struct Stream {
  bool eos = false;
  std::uint64_t expected = 0;
  std::uint64_t processed = 0;
};

struct GraphRuntime::NodeRt {
  const ResolvedNode* def = nullptr;
  std::unique_ptr<Node> node;
  bool is_respond = false;
  std::unique_ptr<flow::broadcast_node<Envelope>> out;
  // A function_node, queueing or lightweight (two types): owned as a graph_node, fed through
  // its receiver side.
  std::unique_ptr<flow::graph_node> fn;
  flow::receiver<Envelope>* in = nullptr;
  std::unique_ptr<flow::input_node<int>> src;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<InputRef>> bindings;

  std::mutex mu;  // guards streams, finished, started
  std::map<std::pair<std::uint32_t, std::uint32_t>, Stream> streams;
  bool finished = false;
  bool started = false;
  Clock::time_point t_start{}, t_end{};
  std::unique_ptr<std::atomic<std::uint64_t>[]> sent;  // per output port

  std::mutex credit_mu;
  std::condition_variable credit_cv;
  std::size_t outstanding = 0;

  std::atomic<std::uint64_t> batches_in{0}, rows_in{0}, batches_out{0}, rows_out{0};
  std::atomic<NodeStatus> status{NodeStatus::Pending};
  std::string error;
};

namespace {
// Returns its producer's credit when the last copy of the Envelope holding it is gone.
struct CreditToken {
  std::mutex* mu;
  std::condition_variable* cv;
  std::size_t* outstanding;
  CreditToken(std::mutex* m, std::condition_variable* c, std::size_t* o) : mu(m), cv(c), outstanding(o) {}
  CreditToken(const CreditToken&) = delete;
  CreditToken& operator=(const CreditToken&) = delete;
  ~CreditToken() {
    {
      std::lock_guard lock(*mu);
      --*outstanding;
    }
    cv->notify_one();
  }
};

std::string what_of(std::exception_ptr ex) {
  try {
    std::rethrow_exception(ex);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}
}  // namespace

class GraphRuntime::RtEmitter final : public Emitter {
 public:
  RtEmitter(GraphRuntime& g, std::size_t i, std::uint64_t key) : g_(g), i_(i), key_(key) {}
  void emit(std::size_t port, BatchPtr batch) override {
    NodeRt& rt = *g_.nodes_[i_];
    if (port >= rt.def->spec->outputs.size())
      throw std::logic_error("emit on port " + std::to_string(port) + ": type has " +
                             std::to_string(rt.def->spec->outputs.size()) + " output(s)");
    if (!batch) throw std::logic_error("emit of a null batch");
    auto credit = g_.acquire_credit(i_);
    if (g_.mode_ == Mode::Batch && g_.failed_.load()) return;  // run is being torn down
    rt.sent[port].fetch_add(1);
    rt.batches_out.fetch_add(1, std::memory_order_relaxed);
    rt.rows_out.fetch_add(batch->rows(), std::memory_order_relaxed);
    Envelope e{std::move(batch), static_cast<std::uint32_t>(i_), static_cast<std::uint32_t>(port), key_, 0,
               std::move(credit)};
    rt.out->try_put(e);
  }
  std::uint64_t key() const override { return key_; }
  bool cancelled() const override { return g_.mode_ == Mode::Batch && g_.failed_.load(); }

 private:
  GraphRuntime& g_;
  std::size_t i_;
  std::uint64_t key_;
};

GraphRuntime::GraphRuntime(const ResolvedPipeline& p, const Registry& registry, Resources& resources, Mode mode,
                           Hooks hooks, std::size_t max_in_flight)
    : p_(p), resources_(resources), mode_(mode), hooks_(std::move(hooks)), max_in_flight_(max_in_flight) {
  const int hw = std::max(1u, std::thread::hardware_concurrency());
  // One thread per task that may wait in emit() (see header), plus the cores.
  int waiters = 0;
  for (const auto& n : p_.nodes) {
    if (n.spec->is_sink()) continue;
    waiters += n.spec->is_source() ? 1 : (n.concurrency == 0 ? 2 * hw : n.concurrency);
  }
  threads_ = mode_ == Mode::Batch ? hw + waiters : std::max(4 * hw, 8);
  // Instantiate nodes first: a factory error is a configuration error of that node.
  for (std::size_t i = 0; i < p_.nodes.size(); ++i) {
    const auto& def = p_.nodes[i];
    auto rt = std::make_unique<NodeRt>();
    rt->def = &def;
    rt->is_respond = def.type == "respond";
    rt->sent = std::make_unique<std::atomic<std::uint64_t>[]>(std::max<std::size_t>(1, def.spec->outputs.size()));
    const auto* entry = registry.find(def.type);
    if (!entry) throw NodeError(def.id, def.type, "type not registered");
    auto log = spdlog::default_logger()->clone(def.id);
    NodeContext ctx{def.id, def.type, def.params, p_.settings, resources_, log, def.pos, def.inputs.size()};
    try {
      rt->node = entry->factory(ctx);
    } catch (const std::exception& e) {
      throw NodeError(def.id, def.type, e.what());
    }
    if (!rt->node) throw NodeError(def.id, def.type, "factory returned no node");
    for (const auto& b : def.inputs) {
      rt->bindings[{static_cast<std::uint32_t>(b.from), static_cast<std::uint32_t>(b.from_port)}].push_back(
          InputRef{b.port, b.index});
    }
    for (const auto& [k, refs] : rt->bindings) rt->streams[k] = Stream{};
    nodes_.push_back(std::move(rt));
  }
  gc_ = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                              static_cast<std::size_t>(threads_));
  arena_ = std::make_unique<tbb::task_arena>(threads_);
  ctx_ = std::make_unique<tbb::task_group_context>();
  arena_->execute([&] { build(); });
}

GraphRuntime::~GraphRuntime() {
  if (graph_) {
    arena_->execute([&] {
      if (mode_ == Mode::Service) graph_->release_wait();
      graph_->wait_for_all();
      drain_.reset();
      for (auto& n : nodes_) {
        n->src.reset();
        n->fn.reset();
        n->out.reset();
      }
      graph_.reset();
    });
  }
}

void GraphRuntime::build() {
  graph_ = std::make_unique<flow::graph>(*ctx_);
  const int hw = std::max(1u, std::thread::hardware_concurrency());
  drain_ = std::make_unique<flow::function_node<int>>(*graph_, flow::unlimited, [](int) {});
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    NodeRt& rt = *nodes_[i];
    rt.out = std::make_unique<flow::broadcast_node<Envelope>>(*graph_);
    if (rt.def->spec->is_source()) {
      rt.src = std::make_unique<flow::input_node<int>>(*graph_, [this, i](tbb::flow_control& fc) -> int {
        if (!source_step(i)) fc.stop();
        return 0;
      });
      flow::make_edge(*rt.src, *drain_);
    } else {
      std::size_t conc = rt.def->concurrency == 0
                             ? (mode_ == Mode::Batch ? static_cast<std::size_t>(2 * hw) : static_cast<std::size_t>(flow::unlimited))
                             : static_cast<std::size_t>(rt.def->concurrency);
      if (mode_ == Mode::Service && rt.def->spec->quick) {
        // oneTBB runs a lightweight body inline only when it is noexcept; handle() already turns
        // node exceptions into request errors, this catches what is left (allocation failure).
        auto inline_body = [this, i](const Envelope& e) noexcept {
          try {
            handle(i, e);
          } catch (...) {
            try {
              fail(i, e.key, std::current_exception());
            } catch (...) {
            }
          }
        };
        auto f = std::make_unique<flow::function_node<Envelope, flow::continue_msg, flow::lightweight>>(*graph_, conc,
                                                                                                          inline_body);
        rt.in = f.get();
        rt.fn = std::move(f);
      } else {
        auto f = std::make_unique<flow::function_node<Envelope>>(*graph_, conc,
                                                                 [this, i](const Envelope& e) { handle(i, e); });
        rt.in = f.get();
        rt.fn = std::move(f);
      }
    }
  }
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    std::vector<std::size_t> ups;
    for (const auto& b : nodes_[i]->def->inputs)
      if (std::find(ups.begin(), ups.end(), b.from) == ups.end()) ups.push_back(b.from);
    for (auto u : ups) flow::make_edge(*nodes_[u]->out, *nodes_[i]->in);
  }
  if (mode_ == Mode::Service) {
    graph_->reserve_wait();
    all_quick_ = std::all_of(nodes_.begin(), nodes_.end(), [](const auto& n) { return n->def->spec->quick; });
  }
}

void GraphRuntime::mark_started(NodeRt& rt) {
  std::lock_guard lock(rt.mu);
  if (!rt.started) {
    rt.started = true;
    rt.t_start = Clock::now();
    rt.status = NodeStatus::Running;
  }
}

std::shared_ptr<void> GraphRuntime::acquire_credit(std::size_t i) {
  if (mode_ != Mode::Batch || max_in_flight_ == 0) return nullptr;
  NodeRt& rt = *nodes_[i];
  {
    std::unique_lock lock(rt.credit_mu);
    rt.credit_cv.wait(lock, [&] { return rt.outstanding < max_in_flight_ || failed_.load(); });
    ++rt.outstanding;
  }
  return std::make_shared<CreditToken>(&rt.credit_mu, &rt.credit_cv, &rt.outstanding);
}

bool GraphRuntime::source_step(std::size_t i) {
  NodeRt& rt = *nodes_[i];
  if (failed_.load()) return false;
  mark_started(rt);
  RtEmitter em(*this, i, 0);
  bool more = false;
  try {
    more = rt.node->produce(em);
  } catch (...) {
    fail(i, 0, std::current_exception());
    return false;
  }
  if (!more) finish_node(i);
  return more && !failed_.load();
}

void GraphRuntime::handle(std::size_t i, const Envelope& e) {
  NodeRt& rt = *nodes_[i];
  if (mode_ == Mode::Batch && failed_.load()) return;
  const auto key = std::make_pair(e.from, e.port);
  auto bit = rt.bindings.find(key);
  if (bit == rt.bindings.end()) return;  // another output port of a shared upstream
  bool done = false;
  if (!e.batch) {
    std::lock_guard lock(rt.mu);
    auto& s = rt.streams[key];
    s.eos = true;
    s.expected = e.count;
  } else {
    mark_started(rt);
    rt.batches_in.fetch_add(1, std::memory_order_relaxed);
    rt.rows_in.fetch_add(e.batch->rows(), std::memory_order_relaxed);
    if (rt.is_respond && mode_ == Mode::Service) {
      if (hooks_.on_response) hooks_.on_response(e.key, e.batch);
      return;
    }
    RtEmitter em(*this, i, e.key);
    try {
      for (const auto& ref : bit->second) rt.node->consume(ref, e.batch, em);
    } catch (...) {
      fail(i, e.key, std::current_exception());
      if (mode_ == Mode::Batch) return;
    }
    if (mode_ == Mode::Service) return;
    std::lock_guard lock(rt.mu);
    rt.streams[key].processed++;
  }
  {
    std::lock_guard lock(rt.mu);
    if (rt.finished) return;
    done = std::all_of(rt.streams.begin(), rt.streams.end(),
                       [](const auto& kv) { return kv.second.eos && kv.second.processed == kv.second.expected; });
    if (done) rt.finished = true;
  }
  if (done) finish_node(i);
}

void GraphRuntime::finish_node(std::size_t i) {
  NodeRt& rt = *nodes_[i];
  if (failed_.load()) return;
  mark_started(rt);
  {
    RtEmitter em(*this, i, 0);
    try {
      rt.node->finish(em);
    } catch (...) {
      fail(i, 0, std::current_exception());
      return;
    }
  }
  {
    std::lock_guard lock(rt.mu);
    rt.finished = true;
    rt.t_end = Clock::now();
  }
  rt.status = NodeStatus::Ok;
  if (hooks_.on_node_done) {  // before the end-of-stream, so reports come in data-flow order
    auto snap = snapshot();
    hooks_.on_node_done(snap[i]);
  }
  for (std::size_t port = 0; port < rt.def->spec->outputs.size(); ++port) {
    Envelope eos{nullptr, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(port), 0, rt.sent[port].load(), nullptr};
    rt.out->try_put(eos);
  }
}

void GraphRuntime::fail(std::size_t i, std::uint64_t key, std::exception_ptr ex) {
  NodeRt& rt = *nodes_[i];
  const std::string cause = what_of(ex);
  if (mode_ == Mode::Service) {
    if (hooks_.on_request_error) hooks_.on_request_error(key, ex, NodeError(rt.def->id, rt.def->type, cause).what());
    forget(key);
    return;
  }
  {
    std::lock_guard lock(fail_mu_);
    if (!failed_.load()) {
      error_ = NodeError(rt.def->id, rt.def->type, cause).what();
      failed_node_ = rt.def->id;
    }
    failed_.store(true);
  }
  {
    std::lock_guard lock(rt.mu);
    rt.error = cause;
    rt.t_end = Clock::now();
  }
  rt.status = NodeStatus::Failed;
  for (auto& n : nodes_) {
    std::lock_guard lock(n->credit_mu);
    n->credit_cv.notify_all();
  }
  ctx_->cancel_group_execution();
  if (hooks_.on_node_done) {
    auto snap = snapshot();
    hooks_.on_node_done(snap[i]);
  }
}

void GraphRuntime::forget(std::uint64_t key) {
  for (auto& n : nodes_) n->node->forget(key);
}

void GraphRuntime::inject(std::size_t index, BatchPtr batch, std::uint64_t key) {
  NodeRt& rt = *nodes_[index];
  mark_started(rt);
  rt.batches_out.fetch_add(1, std::memory_order_relaxed);
  rt.rows_out.fetch_add(batch->rows(), std::memory_order_relaxed);
  Envelope e{std::move(batch), static_cast<std::uint32_t>(index), 0, key, 0, nullptr};
  // All quick: the request runs start to finish right here, on the caller's thread (no
  // hand-off; requests never queue behind each other). Otherwise its tasks go to our arena's
  // workers, never to whatever arena the caller happens to be in.
  if (all_quick_) {
    nodes_[index]->out->try_put(e);
  } else {
    arena_->enqueue([this, index, e = std::move(e)] { nodes_[index]->out->try_put(e); });
  }
}

void GraphRuntime::run() {
  t0_ = Clock::now();
  arena_->execute([&] {
    for (auto& n : nodes_)
      if (n->src) n->src->activate();
    graph_->wait_for_all();
  });
  const auto now = Clock::now();
  if (!failed_.load()) {
    for (auto& n : nodes_) {
      if (n->status.load() != NodeStatus::Ok) {
        std::lock_guard lock(fail_mu_);
        failed_.store(true);
        error_ = "node '" + n->def->id + "' (" + n->def->type + "): never finished (an upstream ended early)";
        failed_node_ = n->def->id;
        break;
      }
    }
  }
  for (auto& n : nodes_) {
    auto st = n->status.load();
    if (st == NodeStatus::Running || st == NodeStatus::Pending) {
      n->status = NodeStatus::Cancelled;
      std::lock_guard lock(n->mu);
      if (n->started) n->t_end = now;
    }
  }
  if (!failed_.load()) {
    for (auto idx : p_.order) {
      try {
        nodes_[idx]->node->commit();
      } catch (const std::exception& e) {
        std::lock_guard lock(fail_mu_);
        failed_.store(true);
        error_ = NodeError(nodes_[idx]->def->id, nodes_[idx]->def->type, std::string("commit failed: ") + e.what()).what();
        failed_node_ = nodes_[idx]->def->id;
        nodes_[idx]->status = NodeStatus::Failed;
        std::lock_guard nlock(nodes_[idx]->mu);
        nodes_[idx]->error = e.what();
        break;
      }
    }
  }
  if (failed_.load()) {
    for (auto it = p_.order.rbegin(); it != p_.order.rend(); ++it) nodes_[*it]->node->abort();
    if (p_.order.empty())
      for (auto& n : nodes_) n->node->abort();
  }
}

std::vector<NodeStats> GraphRuntime::snapshot() const {
  std::vector<NodeStats> out;
  const auto now = Clock::now();
  for (const auto& n : nodes_) {
    NodeStats s;
    s.id = n->def->id;
    s.type = n->def->type;
    s.status = n->status.load();
    s.batches_in = n->batches_in.load();
    s.rows_in = n->rows_in.load();
    s.batches_out = n->batches_out.load();
    s.rows_out = n->rows_out.load();
    {
      std::lock_guard lock(n->mu);
      if (n->started) {
        auto end = (s.status == NodeStatus::Running) ? now : n->t_end;
        if (end < n->t_start) end = now;
        s.seconds = std::chrono::duration<double>(end - n->t_start).count();
      }
      s.error = n->error;
    }
    try {
      s.counters = n->node->counters();
      if (s.status == NodeStatus::Ok) s.summary = n->node->summary();
    } catch (...) {
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace dag::detail
