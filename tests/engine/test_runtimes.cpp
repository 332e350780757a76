// The two runtimes on the shared graph builder: entry and exit are roles in the NodeSpec (not
// type names), and the process's dag::Parallelism is checked, never set, by a runtime.
#include <catch2/catch.hpp>

#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "engine/parallelism.hpp"
#include "engine/pipeline.hpp"
#include "engine/runner.hpp"
#include "engine/service.hpp"
#include "test_nodes.hpp"

using namespace dag;
using enginetest::NumBatch;

namespace {

class PassThrough final : public Node {};

// The engine's and the test's node types plus another entry and exit under other names.
Registry registry_with_own_roles() {
  Registry r = enginetest::test_registry();
  r.add(NodeSpec("t_entry").describe("another entry").entry_point().output("req", "any"),
        [](const NodeContext&) { return std::make_unique<PassThrough>(); });
  r.add(NodeSpec("t_exit").describe("another exit").exit_point().input("resp", "any", "", true),
        [](const NodeContext&) { return std::make_unique<PassThrough>(); });
  return r;
}

}  // namespace

TEST_CASE("entry and exit nodes are recognised by their declared role, not their type name", "[service][roles]") {
  auto reg = registry_with_own_roles();
  Resources res;
  res.put("rec", std::make_shared<enginetest::Recorder>());
  auto p = resolve_pipeline(parse_pipeline_doc(R"(name: own
nodes:
  - {id: in, type: t_entry}
  - {id: m, type: t_map, inputs: [in], params: {add: 5}}
  - {id: out, type: t_exit, inputs: [m]}
)",
                                               "own.yaml"),
                            reg);
  Service svc(p, reg, res);
  auto r = batch_cast<NumBatch>(svc.call(std::make_shared<NumBatch>(nullptr, std::vector<long>{1}), std::chrono::seconds(5)));
  CHECK(r->values == std::vector<long>{6});

  // Two entries: the message names every type that has the role.
  auto two = resolve_pipeline(parse_pipeline_doc(R"(name: two
nodes:
  - {id: a, type: t_entry}
  - {id: b, type: request}
  - {id: out, type: t_exit, inputs: [a, b]}
)",
                                                 "two.yaml"),
                              reg);
  CHECK_THROWS_WITH(Service(two, reg, res),
                    "two.yaml: a service pipeline needs exactly one 'request' or 't_entry' and one 'respond' or 't_exit' node "
                    "(has 2 and 1)");
}

TEST_CASE("roles are checked when a type is registered and shown by `dagrun nodes`", "[service][roles]") {
  Registry r;
  CHECK_THROWS_WITH(r.add(NodeSpec("bad_entry").entry_point().input("in", "any").output("out", "any"),
                          [](const NodeContext&) { return std::make_unique<PassThrough>(); }),
                    "node type 'bad_entry': an entry point has no inputs and one output");
  CHECK_THROWS_WITH(r.add(NodeSpec("bad_exit").exit_point().input("in", "any").output("out", "any"),
                          [](const NodeContext&) { return std::make_unique<PassThrough>(); }),
                    "node type 'bad_exit': an exit point has inputs and no outputs");
  register_engine_nodes(r);
  CHECK(describe_node(r.find("request")->spec).find("role: entry of request pipelines") != std::string::npos);
  CHECK(describe_node(r.find("respond")->spec).find("role: exit of request pipelines") != std::string::npos);
  CHECK(describe_node(r.find("join")->spec).find("role:") == std::string::npos);
}

TEST_CASE("a service pipeline refuses a source that is not its entry (it would never run)", "[service][roles]") {
  auto reg = enginetest::test_registry();
  Resources res;
  auto p = resolve_pipeline(parse_pipeline_doc(R"(name: src
nodes:
  - {id: request, type: request}
  - {id: s, type: t_source}
  - {id: pair, type: join, inputs: [request, s]}
  - {id: respond, type: respond, inputs: [pair]}
)",
                                               "src.yaml"),
                            reg);
  CHECK_THROWS_WITH(Service(p, reg, res),
                    "src.yaml: node 's' (t_source) has no inputs; in a service pipeline only the entry node may be a source "
                    "(it would never run)");
}

TEST_CASE("the process owns parallelism: a runtime checks it and refuses to start short of threads", "[run][parallelism]") {
  auto reg = enginetest::test_registry();
  auto p = resolve_pipeline(parse_pipeline_doc(R"(name: wide
nodes:
  - {id: src, type: t_source, params: {batches: 4}}
  - {id: m, type: t_map, inputs: [src], concurrency: 8}
  - {id: sink, type: t_sink, inputs: [m]}
)",
                                               "wide.yaml"),
                            reg);
  const auto needed = threads_for_batch(p);
  CHECK(needed == cores() + 1 + 8);  // the cores, the source, the map's 8 tasks (the sink never emits)
  const auto before = Parallelism::allowed();
  CHECK(before >= 256);  // the test main's
  auto rec = std::make_shared<enginetest::Recorder>();
  Resources res;
  res.put("rec", rec);
  {
    Parallelism narrow(2);  // the smallest live one wins, as with oneTBB's global_control
    CHECK(Parallelism::allowed() == 2);
    auto report = run_pipeline(p, reg, res);
    CHECK_FALSE(report.ok);
    CHECK(report.error == "wide.yaml: pipeline 'wide' needs " + std::to_string(needed) +
                              " oneTBB threads (the cores plus one per task that may wait), but the process allows 2; main() "
                              "must hold a dag::Parallelism of at least " +
                              std::to_string(needed));
    CHECK(report.nodes.size() == 3);
    CHECK(rec->commits == 0);
  }
  CHECK(Parallelism::allowed() == before);
  auto report = run_pipeline(p, reg, res);
  CHECK(report.ok);
  CHECK(rec->commits == 1);
}

TEST_CASE("a request pipeline needs one thread per concurrent task node beside the cores", "[service][parallelism]") {
  auto reg = enginetest::test_registry();
  auto p = resolve_pipeline(parse_pipeline_doc(R"(name: req
nodes:
  - {id: request, type: request}
  - {id: quick, type: t_where, inputs: [request], concurrency: unlimited}
  - {id: slow, type: t_where_task, inputs: [quick], concurrency: 3}
  - {id: respond, type: respond, inputs: [slow]}
)",
                                               "req.yaml"),
                            reg);
  CHECK(threads_for_requests(p) == cores() + 3);  // quick nodes and the entry/exit run on their callers
  Resources res;
  Parallelism narrow(1);
  CHECK_THROWS_AS(Service(p, reg, res), NeedsParallelism);
}

// ---- request runtime: asynchronous answers, deadlines, bounded queues, request state --------

namespace {

// Keeps one entry per key until forgotten: shows state a request left behind.
struct Held {
  std::mutex mu;
  std::set<std::uint64_t> keys;
  std::size_t size() {
    std::lock_guard lock(mu);
    return keys.size();
  }
};

class KeepNode final : public Node {
 public:
  explicit KeepNode(std::shared_ptr<Held> h) : held_(std::move(h)) {}
  void consume(const InputRef&, const BatchPtr&, dag::Emitter& out) override {
    std::lock_guard lock(held_->mu);
    held_->keys.insert(out.key());
  }
  void forget(std::uint64_t key) noexcept override {
    std::lock_guard lock(held_->mu);
    held_->keys.erase(key);
  }

 private:
  std::shared_ptr<Held> held_;
};

class FailNode final : public Node {
 public:
  void consume(const InputRef&, const BatchPtr&, dag::Emitter&) override { throw std::runtime_error("no"); }
};

// Quick, but sleeps `ms` in consume(): breaks the quick contract on purpose.
class NapNode final : public Node {
 public:
  explicit NapNode(long ms) : ms_(ms) {}
  void consume(const InputRef&, const BatchPtr& b, dag::Emitter& out) override {
    if (ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms_));
    out.emit(b);
  }

 private:
  long ms_;
};

// Passes a number on only when its parity is `parity`: one of two branches answers.
class ParityNode final : public Node {
 public:
  explicit ParityNode(long parity) : parity_(parity) {}
  void consume(const InputRef&, const BatchPtr& b, dag::Emitter& out) override {
    if (batch_cast<NumBatch>(b)->values.at(0) % 2 == parity_) out.emit(b);
  }

 private:
  long parity_;
};

Registry request_registry(std::shared_ptr<Held> held) {
  Registry r = enginetest::test_registry();
  r.add(NodeSpec("t_keep").runs_quick().input("in", "any"),
        [held](const NodeContext&) { return std::make_unique<KeepNode>(held); });
  r.add(NodeSpec("t_fail").runs_quick().input("in", "any").output("out", "any"),
        [](const NodeContext&) { return std::make_unique<FailNode>(); });
  r.add(NodeSpec("t_parity").runs_quick().param(ParamSpec::integer("parity").req()).input("in", "num").output("out", "num"),
        [](const NodeContext& c) { return std::make_unique<ParityNode>(c.params.integer("parity")); });
  r.add(NodeSpec("t_nap").runs_quick().param(ParamSpec::integer("ms").def("0")).input("in", "any").output("out", "any"),
        [](const NodeContext& c) { return std::make_unique<NapNode>(c.params.integer("ms")); });
  return r;
}

struct Answer {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  BatchPtr batch;
  std::exception_ptr error;
  std::thread::id thread;
  void set(BatchPtr b, std::exception_ptr e) {
    std::lock_guard lock(mu);
    batch = std::move(b);
    error = std::move(e);
    thread = std::this_thread::get_id();
    done = true;
    cv.notify_all();
  }
  bool wait(std::chrono::milliseconds t) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, t, [&] { return done; });
  }
};

std::string what(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  }
}

}  // namespace

TEST_CASE("submit answers inline when every node is quick, later from the arena otherwise", "[service]") {
  auto reg = enginetest::test_registry();
  Resources res;
  for (const char* type : {"t_where", "t_where_task"}) {
    INFO(type);
    auto p =
        resolve_pipeline(parse_pipeline_doc(std::string("name: w\nnodes:\n  - {id: request, type: request}\n  - {id: w, type: ") +
                                                type + ", inputs: [request]}\n  - {id: respond, type: respond, inputs: [w]}\n",
                                            "w.yaml"),
                         reg);
    Service svc(p, reg, res);
    Answer a;
    svc.submit(std::make_shared<NumBatch>(nullptr, std::vector<long>{1}), std::chrono::seconds(5),
               [&](BatchPtr b, std::exception_ptr e) { a.set(std::move(b), std::move(e)); });
    const bool quick = std::string(type) == "t_where";
    if (quick) CHECK(a.done);  // before submit returned, on this thread
    REQUIRE(a.wait(std::chrono::seconds(5)));
    CHECK_FALSE(a.error);
    CHECK((a.thread == std::this_thread::get_id()) == quick);
  }
}

TEST_CASE("a request past its deadline is answered RequestTimeout and its late messages are dropped", "[service]") {
  auto reg = enginetest::test_registry();
  auto rec = std::make_shared<enginetest::Recorder>();
  Resources res;
  res.put("rec", rec);
  auto p = resolve_pipeline(parse_pipeline_doc(R"(name: slow
nodes:
  - {id: request, type: request}
  - {id: slow, type: t_map, inputs: [request], params: {sleep_ms: 300}}
  - {id: after, type: t_map, inputs: [slow]}
  - {id: respond, type: respond, inputs: [after]}
)",
                                               "slow.yaml"),
                            reg);
  Service svc(p, reg, res);
  Answer a;
  svc.submit(std::make_shared<NumBatch>(nullptr, std::vector<long>{1}), std::chrono::milliseconds(30),
             [&](BatchPtr b, std::exception_ptr e) { a.set(std::move(b), std::move(e)); });
  REQUIRE(a.wait(std::chrono::seconds(5)));
  REQUIRE(a.error);
  CHECK(what(a.error) == "request timed out after 30 ms");
  CHECK_THROWS_AS(std::rethrow_exception(a.error), RequestTimeout);
  CHECK(svc.in_flight() == 0);
  // `slow` finishes its 300 ms later; what it sends on for the dead request is not delivered.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK_FALSE(rec->has("after:first"));
}

TEST_CASE("a task node's queue_limit refuses requests beyond it with QueueFull, at once", "[service]") {
  auto reg = enginetest::test_registry();
  auto rec = std::make_shared<enginetest::Recorder>();
  Resources res;
  res.put("rec", rec);
  auto p = resolve_pipeline(parse_pipeline_doc(R"(name: bounded
nodes:
  - {id: request, type: request}
  - {id: slow, type: t_map, inputs: [request], params: {sleep_ms: 300}, concurrency: 1, queue_limit: 2}
  - {id: respond, type: respond, inputs: [slow]}
)",
                                               "bounded.yaml"),
                            reg);
  REQUIRE(p.find("slow")->queue_limit == 2);
  Service svc(p, reg, res);
  std::vector<std::unique_ptr<Answer>> answers;
  auto ask = [&] {
    answers.push_back(std::make_unique<Answer>());
    auto* a = answers.back().get();
    svc.submit(std::make_shared<NumBatch>(nullptr, std::vector<long>{1}), std::chrono::seconds(10),
               [a](BatchPtr b, std::exception_ptr e) { a->set(std::move(b), std::move(e)); });
  };
  ask();  // this one runs...
  for (int i = 0; i < 500 && rec->active.load() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  REQUIRE(rec->active.load() == 1);
  for (int i = 0; i < 5; ++i) ask();  // ... two of these wait, three are refused
  int refused = 0;
  for (std::size_t i = 3; i < answers.size(); ++i) {
    REQUIRE(answers[i]->wait(std::chrono::milliseconds(0)));  // refused before submit returned
    CHECK(what(answers[i]->error) == "node 'slow' (t_map): 2 request(s) already waiting");
    CHECK_THROWS_AS(std::rethrow_exception(answers[i]->error), QueueFull);
    ++refused;
  }
  CHECK(refused == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    REQUIRE(answers[i]->wait(std::chrono::seconds(5)));
    CHECK_FALSE(answers[i]->error);
  }
  // The queue drained: room again.
  ask();
  REQUIRE(answers.back()->wait(std::chrono::seconds(5)));
  CHECK_FALSE(answers.back()->error);
}

TEST_CASE("queue_limit is refused where there is no queue, and must be a positive integer", "[service][validation]") {
  auto held = std::make_shared<Held>();
  auto reg = request_registry(held);
  Resources res;
  auto p = resolve_pipeline(parse_pipeline_doc(R"(name: q
nodes:
  - {id: request, type: request}
  - {id: n, type: t_nap, inputs: [request], queue_limit: 3}
  - {id: respond, type: respond, inputs: [n]}
)",
                                               "q.yaml"),
                            reg);
  CHECK_THROWS_WITH(
      Service(p, reg, res),
      "q.yaml: node 'n' (t_nap) runs on the thread that delivers to it and has no queue; queue_limit applies to task nodes");
  try {
    resolve_pipeline(
        parse_pipeline_doc(
            "name: q\nnodes:\n  - {id: request, type: request}\n  - {id: m, type: t_map, inputs: [request], queue_limit: 0}\n",
            "q.yaml"),
        enginetest::test_registry());
    FAIL("expected a diagnostic");
  } catch (const PipelineError& e) {
    CHECK(e.diagnostics().str().find(
              "q.yaml:4:58: error[bad-queue-limit]: node 'm': 'queue_limit' is a positive integer, got '0'") !=
          std::string::npos);
  }
}

TEST_CASE("a branch's state does not outlive a request another branch failed, in either delivery order", "[service]") {
  for (const char* yaml : {R"(name: a
nodes:
  - {id: request, type: request}
  - {id: bad, type: t_fail, inputs: [request]}
  - {id: keep, type: t_keep, inputs: [request]}
  - {id: respond, type: respond, inputs: [bad]}
)",
                           R"(name: b
nodes:
  - {id: request, type: request}
  - {id: keep, type: t_keep, inputs: [request]}
  - {id: bad, type: t_fail, inputs: [request]}
  - {id: respond, type: respond, inputs: [bad]}
)"}) {
    auto held = std::make_shared<Held>();
    auto reg = request_registry(held);
    Resources res;
    auto p = resolve_pipeline(parse_pipeline_doc(yaml, "p.yaml"), reg);
    Service svc(p, reg, res);
    for (int i = 0; i < 50; ++i)
      CHECK_THROWS_WITH(svc.call(std::make_shared<NumBatch>(nullptr, std::vector<long>{i}), std::chrono::seconds(5)), "no");
    CHECK(held->size() == 0);
  }
}

TEST_CASE("gather combines the `count` batches of a key, from whichever of its inputs they come", "[service]") {
  auto held = std::make_shared<Held>();
  auto reg = request_registry(held);
  auto rec = std::make_shared<enginetest::Recorder>();
  Resources res;
  res.put("rec", rec);
  auto p = resolve_pipeline(parse_pipeline_doc(R"(name: g
nodes:
  - {id: request, type: request}
  - {id: even, type: t_parity, inputs: [request], params: {parity: 0}}
  - {id: odd, type: t_parity, inputs: [request], params: {parity: 1}}
  - {id: always, type: t_map, inputs: [request], params: {add: 100}, concurrency: unlimited}
  - {id: two, type: gather, inputs: [even, odd, always], params: {count: 2}}
  - {id: respond, type: respond, inputs: [two]}
)",
                                               "g.yaml"),
                            reg);
  Service svc(p, reg, res);
  for (long i = 0; i < 20; ++i) {
    auto t = batch_cast<TupleBatch>(svc.call(std::make_shared<NumBatch>(nullptr, std::vector<long>{i}), std::chrono::seconds(5)));
    REQUIRE(t->parts().size() == 2);
    std::multiset<long> got;
    for (const auto& part : t->parts()) got.insert(batch_cast<NumBatch>(part)->values.at(0));
    CHECK(got == std::multiset<long>{i, i + 100});  // the parity branch that fired, and `always`
  }
}

TEST_CASE("the quick contract is checked: a quick node that blocks is reported, what runs inline below it is not counted",
          "[service][quick]") {
  auto held = std::make_shared<Held>();
  auto reg = request_registry(held);
  Resources res;
  auto pipeline = [&](long nap_ms, long below_ms) {
    return resolve_pipeline(
        parse_pipeline_doc(
            "name: n\nnodes:\n  - {id: request, type: request}\n  - {id: top, type: t_nap, inputs: [request], params: {ms: " +
                std::to_string(nap_ms) + "}}\n  - {id: below, type: t_nap, inputs: [top], params: {ms: " +
                std::to_string(below_ms) + "}}\n  - {id: respond, type: respond, inputs: [below]}\n",
            "n.yaml"),
        reg);
  };
  ServiceOptions checked;
  checked.check_quick = true;
  checked.quick_limit = std::chrono::milliseconds(20);
  auto one = [&](long nap_ms, long below_ms, ServiceOptions o) {
    auto p = pipeline(nap_ms, below_ms);
    Service svc(p, reg, res, o);
    svc.call(std::make_shared<NumBatch>(nullptr, std::vector<long>{1}), std::chrono::seconds(5));
    return svc.quick_contract_violations();
  };
  CHECK(one(0, 0, checked) == 0);
  CHECK(one(60, 0, checked) == 1);  // `top` slept 60 ms in its own consume()
  CHECK(one(0, 60, checked) == 1);  // only `below`: `top`'s time excludes what ran inline below it
  ServiceOptions off;
  off.check_quick = false;
  CHECK(one(60, 0, off) == 0);
}
