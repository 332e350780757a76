#include "engine/batch_runtime.hpp"

#include <algorithm>

#include "engine/parallelism.hpp"

namespace dag::detail {

using Clock = std::chrono::steady_clock;

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
    std::rethrow_exception(std::move(ex));
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace

class BatchRuntime::Emitter final : public dag::Emitter {
 public:
  Emitter(BatchRuntime& rt, std::size_t i) : rt_(rt), i_(i) {}
  void emit(std::size_t port, BatchPtr batch) override {
    NodeSlot& slot = rt_.graph_->at(i_);
    NodeState& st = *rt_.state_[i_];
    if (port >= slot.def->spec->outputs.size())
      throw std::logic_error("emit on port " + std::to_string(port) + ": type has " +
                             std::to_string(slot.def->spec->outputs.size()) + " output(s)");
    if (!batch) throw std::logic_error("emit of a null batch");
    auto credit = rt_.acquire_credit(i_);
    if (rt_.failed_.load()) return;  // run is being torn down
    st.sent[port].fetch_add(1);
    st.batches_out.fetch_add(1, std::memory_order_relaxed);
    st.rows_out.fetch_add(batch->rows(), std::memory_order_relaxed);
    slot.put(Envelope{std::move(batch), static_cast<std::uint32_t>(i_), static_cast<std::uint32_t>(port), 0, 0, std::move(credit),
                      nullptr});
  }
  std::uint64_t key() const override { return 0; }
  bool cancelled() const override { return rt_.failed_.load(); }

 private:
  BatchRuntime& rt_;
  std::size_t i_;
};

BatchRuntime::BatchRuntime(const ResolvedPipeline& p, const Registry& registry, Resources& resources, std::size_t max_in_flight,
                           std::function<void(const NodeStats&)> on_node_done)
    : max_in_flight_(max_in_flight), on_node_done_(std::move(on_node_done)) {
  const std::size_t threads = threads_for_batch(p);
  require_parallelism(p, threads);
  for (const auto& def : p.nodes) {
    auto st = std::make_unique<NodeState>();
    st->sent = std::make_unique<std::atomic<std::uint64_t>[]>(std::max<std::size_t>(1, def.spec->outputs.size()));
    state_.push_back(std::move(st));
  }
  graph_ = std::make_unique<FlowGraph>(p, registry, resources);
  for (std::size_t i = 0; i < graph_->size(); ++i)
    for (const auto& [k, refs] : graph_->at(i).bindings) state_[i]->streams[k] = Stream{};
  const std::size_t hw = cores();
  FlowGraph::Wiring w;
  w.execution = [hw](const NodeSlot& s) {
    return FlowGraph::Execution{s.def->concurrency == 0 ? 2 * hw : static_cast<std::size_t>(s.def->concurrency), false};
  };
  w.deliver = [this](std::size_t i, const Envelope& e) { deliver(i, e); };
  w.produce = [this](std::size_t i) { return produce(i); };
  graph_->build(threads, w, false);
}

BatchRuntime::~BatchRuntime() {
  graph_->drain();  // the last tasks still deliver through this runtime
  graph_.reset();
}

void BatchRuntime::mark_started(NodeState& st) {
  std::lock_guard lock(st.mu);
  if (!st.started) {
    st.started = true;
    st.t_start = Clock::now();
    st.status = NodeStatus::Running;
  }
}

std::shared_ptr<void> BatchRuntime::acquire_credit(std::size_t i) {
  if (max_in_flight_ == 0) return nullptr;
  NodeState& st = *state_[i];
  {
    std::unique_lock lock(st.credit_mu);
    st.credit_cv.wait(lock, [&] { return st.outstanding < max_in_flight_ || failed_.load(); });
    ++st.outstanding;
  }
  return std::make_shared<CreditToken>(&st.credit_mu, &st.credit_cv, &st.outstanding);
}

bool BatchRuntime::produce(std::size_t i) {
  if (failed_.load()) return false;
  mark_started(*state_[i]);
  Emitter em(*this, i);
  bool more = false;
  try {
    more = graph_->at(i).node->produce(em);
  } catch (...) {
    fail(i, std::current_exception());
    return false;
  }
  if (!more) finish_node(i);
  return more && !failed_.load();
}

void BatchRuntime::deliver(std::size_t i, const Envelope& e) {
  if (failed_.load()) return;
  NodeSlot& slot = graph_->at(i);
  NodeState& st = *state_[i];
  const auto* refs = slot.refs_for(e);
  if (!refs) return;  // another output port of a shared upstream
  const StreamKey key{e.from, e.port};
  if (!e.batch) {
    std::lock_guard lock(st.mu);
    auto& s = st.streams[key];
    s.eos = true;
    s.expected = e.count;
  } else {
    mark_started(st);
    st.batches_in.fetch_add(1, std::memory_order_relaxed);
    st.rows_in.fetch_add(e.batch->rows(), std::memory_order_relaxed);
    Emitter em(*this, i);
    try {
      for (const auto& ref : *refs) slot.node->consume(ref, e.batch, em);
    } catch (...) {
      fail(i, std::current_exception());
      return;
    }
    std::lock_guard lock(st.mu);
    st.streams[key].processed++;
  }
  bool done = false;
  {
    std::lock_guard lock(st.mu);
    if (st.finished) return;
    done = std::all_of(st.streams.begin(), st.streams.end(),
                       [](const auto& kv) { return kv.second.eos && kv.second.processed == kv.second.expected; });
    if (done) st.finished = true;
  }
  if (done) finish_node(i);
}

void BatchRuntime::finish_node(std::size_t i) {
  if (failed_.load()) return;
  NodeSlot& slot = graph_->at(i);
  NodeState& st = *state_[i];
  mark_started(st);
  {
    Emitter em(*this, i);
    try {
      slot.node->finish(em);
    } catch (...) {
      fail(i, std::current_exception());
      return;
    }
  }
  {
    std::lock_guard lock(st.mu);
    st.finished = true;
    st.t_end = Clock::now();
  }
  st.status = NodeStatus::Ok;
  if (on_node_done_) on_node_done_(snapshot()[i]);  // before the end-of-stream, so reports come in data-flow order
  for (std::size_t port = 0; port < slot.def->spec->outputs.size(); ++port) {
    slot.put(Envelope{nullptr, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(port), 0, st.sent[port].load(), nullptr,
                      nullptr});
  }
}

void BatchRuntime::fail(std::size_t i, std::exception_ptr ex) {
  NodeSlot& slot = graph_->at(i);
  NodeState& st = *state_[i];
  const std::string cause = what_of(std::move(ex));
  {
    std::lock_guard lock(fail_mu_);
    if (!failed_.load()) {
      error_ = NodeError(slot.def->id, slot.def->type, cause).what();
      failed_node_ = slot.def->id;
    }
    failed_.store(true);
  }
  {
    std::lock_guard lock(st.mu);
    st.error = cause;
    st.t_end = Clock::now();
  }
  st.status = NodeStatus::Failed;
  for (auto& n : state_) {
    std::lock_guard lock(n->credit_mu);
    n->credit_cv.notify_all();
  }
  graph_->context().cancel_group_execution();
  if (on_node_done_) on_node_done_(snapshot()[i]);
}

void BatchRuntime::run() {
  const ResolvedPipeline& p = graph_->pipeline();
  graph_->arena().execute([&] {
    for (std::size_t i = 0; i < graph_->size(); ++i)
      if (graph_->at(i).src) graph_->at(i).src->activate();
    graph_->graph().wait_for_all();
  });
  const auto now = Clock::now();
  if (!failed_.load()) {
    for (std::size_t i = 0; i < graph_->size(); ++i) {
      if (state_[i]->status.load() != NodeStatus::Ok) {
        std::lock_guard lock(fail_mu_);
        failed_.store(true);
        const auto* def = graph_->at(i).def;
        error_ = "node '" + def->id + "' (" + def->type + "): never finished (an upstream ended early)";
        failed_node_ = def->id;
        break;
      }
    }
  }
  for (auto& n : state_) {
    auto st = n->status.load();
    if (st == NodeStatus::Running || st == NodeStatus::Pending) {
      n->status = NodeStatus::Cancelled;
      std::lock_guard lock(n->mu);
      if (n->started) n->t_end = now;
    }
  }
  if (!failed_.load()) {
    for (auto idx : p.order) {
      try {
        graph_->at(idx).node->commit();
      } catch (const std::exception& e) {
        const auto* def = graph_->at(idx).def;
        std::lock_guard lock(fail_mu_);
        failed_.store(true);
        error_ = NodeError(def->id, def->type, std::string("commit failed: ") + e.what()).what();
        failed_node_ = def->id;
        state_[idx]->status = NodeStatus::Failed;
        std::lock_guard nlock(state_[idx]->mu);
        state_[idx]->error = e.what();
        break;
      }
    }
  }
  if (failed_.load()) {
    for (auto it = p.order.rbegin(); it != p.order.rend(); ++it) graph_->at(*it).node->abort();
    if (p.order.empty())
      for (std::size_t i = 0; i < graph_->size(); ++i) graph_->at(i).node->abort();
  }
}

std::vector<NodeStats> BatchRuntime::snapshot() const {
  std::vector<NodeStats> out;
  const auto now = Clock::now();
  for (std::size_t i = 0; i < state_.size(); ++i) {
    const auto& n = *state_[i];
    const auto& slot = graph_->at(i);
    NodeStats s;
    s.id = slot.def->id;
    s.type = slot.def->type;
    s.status = n.status.load();
    s.batches_in = n.batches_in.load();
    s.rows_in = n.rows_in.load();
    s.batches_out = n.batches_out.load();
    s.rows_out = n.rows_out.load();
    {
      std::lock_guard lock(n.mu);
      if (n.started) {
        auto end = (s.status == NodeStatus::Running) ? now : n.t_end;
        if (end < n.t_start) end = now;
        s.seconds = std::chrono::duration<double>(end - n.t_start).count();
      }
      s.error = n.error;
    }
    try {
      s.counters = slot.node->counters();
      if (s.status == NodeStatus::Ok) s.summary = slot.node->summary();
    } catch (...) {
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace dag::detail
