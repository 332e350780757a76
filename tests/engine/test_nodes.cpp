#include "test_nodes.hpp"

namespace enginetest {

namespace {

std::shared_ptr<Recorder> recorder(const dag::NodeContext& c) {
  auto r = c.resources.find<Recorder>("rec");
  if (!r) throw std::runtime_error("test needs a Recorder resource 'rec'");
  return r;
}

class Source final : public dag::Node {
 public:
  explicit Source(const dag::NodeContext& c)
      : rec_(recorder(c)),
        id_(c.id),
        batches_(c.params.integer("batches")),
        rows_(c.params.integer("rows")),
        fail_at_(c.params.integer("fail_at")) {}
  bool produce(dag::Emitter& out) override {
    if (n_ == 0) rec_->log(id_ + ":start");
    if (n_ == fail_at_) throw std::runtime_error("source failure at batch " + std::to_string(n_));
    if (n_ >= batches_) {
      rec_->log(id_ + ":end");
      return false;
    }
    std::vector<long> v(static_cast<std::size_t>(rows_));
    for (long i = 0; i < rows_; ++i) v[static_cast<std::size_t>(i)] = n_ * rows_ + i;
    ++n_;
    out.emit(std::make_shared<NumBatch>(rec_, std::move(v)));
    return true;
  }

 private:
  std::shared_ptr<Recorder> rec_;
  std::string id_;
  long batches_, rows_, fail_at_;
  long n_ = 0;
};

class Map final : public dag::Node {
 public:
  explicit Map(const dag::NodeContext& c)
      : rec_(recorder(c)),
        id_(c.id),
        sleep_ms_(c.params.integer("sleep_ms")),
        fail_at_(c.params.integer("fail_at")),
        add_(c.params.integer("add")) {}
  void consume(const dag::InputRef&, const dag::BatchPtr& b, dag::Emitter& out) override {
    ActiveScope scope(*rec_);
    long seen = seen_++;
    if (seen == 0) rec_->log(id_ + ":first");
    if (seen == fail_at_) throw std::runtime_error("map failure at batch " + std::to_string(seen));
    if (sleep_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms_));
    auto in = dag::batch_cast<NumBatch>(b);
    std::vector<long> v = in->values;
    for (auto& x : v) x += add_;
    out.emit(std::make_shared<NumBatch>(rec_, std::move(v)));
  }
  void finish(dag::Emitter&) override { rec_->log(id_ + ":finish"); }

 private:
  std::shared_ptr<Recorder> rec_;
  std::string id_;
  long sleep_ms_, fail_at_, add_;
  std::atomic<long> seen_{0};
};

class Sink final : public dag::Node {
 public:
  explicit Sink(const dag::NodeContext& c) : rec_(recorder(c)), id_(c.id), sleep_ms_(c.params.integer("sleep_ms")) {}
  void consume(const dag::InputRef&, const dag::BatchPtr& b, dag::Emitter&) override {
    if (staged_ == 0) rec_->log(id_ + ":first");
    if (sleep_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms_));
    staged_ += static_cast<long>(b->rows());
  }
  void finish(dag::Emitter&) override { rec_->log(id_ + ":finish"); }
  void commit() override {
    rec_->rows_committed += staged_;
    ++rec_->commits;
    rec_->log(id_ + ":commit");
  }
  void abort() noexcept override {
    ++rec_->aborts;
    rec_->log(id_ + ":abort");
  }
  std::map<std::string, std::int64_t> counters() const override { return {{"staged", staged_.load()}}; }

 private:
  std::shared_ptr<Recorder> rec_;
  std::string id_;
  long sleep_ms_;
  std::atomic<long> staged_{0};
};

class TextSource final : public dag::Node {
 public:
  bool produce(dag::Emitter& out) override {
    if (done_) return false;
    done_ = true;
    out.emit(std::make_shared<TextBatch>());
    return true;
  }

 private:
  bool done_ = false;
};

// Answers with a number naming the thread it ran on.
class WhereNode final : public dag::Node {
 public:
  void consume(const dag::InputRef&, const dag::BatchPtr&, dag::Emitter& out) override {
    out.emit(std::make_shared<NumBatch>(nullptr, std::vector<long>{thread_number()}));
  }
};

// Waits (up to 5 s) until `count` deliveries are inside it at once, then answers 1; 0 if they
// never were. Declared quick although it waits: it is the instrument of the test that two
// requests run the inline path at the same time.
class RendezvousNode final : public dag::Node {
 public:
  RendezvousNode(std::shared_ptr<Recorder> rec, int count) : rec_(std::move(rec)), count_(count) {}
  void consume(const dag::InputRef&, const dag::BatchPtr&, dag::Emitter& out) override {
    std::unique_lock lock(rec_->mu);
    ++rec_->inside;
    rec_->inside_changed.notify_all();
    const bool met = rec_->inside_changed.wait_for(lock, std::chrono::seconds(5), [&] { return rec_->inside >= count_; });
    lock.unlock();
    out.emit(std::make_shared<NumBatch>(nullptr, std::vector<long>{met ? 1 : 0}));
  }

 private:
  std::shared_ptr<Recorder> rec_;
  int count_;
};

}  // namespace

long thread_number() { return static_cast<long>(std::hash<std::thread::id>{}(std::this_thread::get_id())); }

void register_test_nodes(dag::Registry& r) {
  using dag::NodeSpec;
  using dag::ParamSpec;
  r.add(NodeSpec("t_source")
            .describe("emits `batches` batches of `rows` numbers")
            .param(ParamSpec::integer("batches").def("3").range(0, std::nullopt).doc("how many batches"))
            .param(ParamSpec::integer("rows").def("10").doc("rows per batch"))
            .param(ParamSpec::integer("fail_at").def("-1").doc("throw before this batch"))
            .output("out", "num"),
        [](const dag::NodeContext& c) { return std::make_unique<Source>(c); });
  r.add(NodeSpec("t_map")
            .describe("adds `add` to every number")
            .param(ParamSpec::integer("sleep_ms").def("0"))
            .param(ParamSpec::integer("fail_at").def("-1"))
            .param(ParamSpec::integer("add").def("0"))
            .param(ParamSpec::str("label").doc("free text"))
            .param(ParamSpec::one_of("mode", {"fast", "slow"}).def("fast"))
            .param(ParamSpec::flag("verbose").def("false"))
            .param(ParamSpec::number("ratio").def("0.5"))
            .param(ParamSpec::list("tags"))
            .param(ParamSpec::secret("token"))
            .input("in", "num")
            .output("out", "num"),
        [](const dag::NodeContext& c) { return std::make_unique<Map>(c); });
  r.add(NodeSpec("t_sink")
            .describe("stages row counts; makes them visible in commit()")
            .param(ParamSpec::integer("sleep_ms").def("0"))
            .input("in", "num", "", true),
        [](const dag::NodeContext& c) { return std::make_unique<Sink>(c); });
  r.add(NodeSpec("t_text").describe("emits one text batch").output("out", "text"),
        [](const dag::NodeContext&) { return std::make_unique<TextSource>(); });
  r.add(NodeSpec("t_needs")
            .describe("has a required parameter and two fixed inputs")
            .param(ParamSpec::str("table").req().doc("which table"))
            .input("left", "num")
            .input("right", "num")
            .output("out", "num"),
        [](const dag::NodeContext&) { return std::make_unique<dag::Node>(); });
  r.add(NodeSpec("t_where").describe("answers with its thread (quick)").runs_quick().input("in", "any").output("out", "num"),
        [](const dag::NodeContext&) { return std::make_unique<WhereNode>(); });
  r.add(NodeSpec("t_where_task").describe("answers with its thread").input("in", "any").output("out", "num"),
        [](const dag::NodeContext&) { return std::make_unique<WhereNode>(); });
  r.add(NodeSpec("t_rendezvous")
            .describe("answers 1 once `count` deliveries are inside it at once (quick)")
            .runs_quick()
            .input("in", "any")
            .output("out", "num")
            .param(ParamSpec::integer("count").def("2").range(1, 64).doc("deliveries to wait for")),
        [](const dag::NodeContext& c) {
          return std::make_unique<RendezvousNode>(recorder(c), static_cast<int>(c.params.integer("count")));
        });
  r.add(NodeSpec("t_split").describe("two outputs").input("in", "num").output("even", "num").output("odd", "num"),
        [](const dag::NodeContext&) { return std::make_unique<dag::Node>(); });
}

dag::Registry test_registry() {
  dag::Registry r;
  dag::register_engine_nodes(r);
  register_test_nodes(r);
  return r;
}

}  // namespace enginetest
