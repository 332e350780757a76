// The two runtimes on the shared graph builder: entry and exit are roles in the NodeSpec (not
// type names), and the process's dag::Parallelism is checked, never set, by a runtime.
#include <catch2/catch.hpp>

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
)", "own.yaml"), reg);
  Service svc(p, reg, res);
  auto r = batch_cast<NumBatch>(svc.call(std::make_shared<NumBatch>(nullptr, std::vector<long>{1}), std::chrono::seconds(5)));
  CHECK(r->values == std::vector<long>{6});

  // Two entries: the message names every type that has the role.
  auto two = resolve_pipeline(parse_pipeline_doc(R"(name: two
nodes:
  - {id: a, type: t_entry}
  - {id: b, type: request}
  - {id: out, type: t_exit, inputs: [a, b]}
)", "two.yaml"), reg);
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
)", "src.yaml"), reg);
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
)", "wide.yaml"), reg);
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
                              "must hold a dag::Parallelism of at least " + std::to_string(needed));
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
)", "req.yaml"), reg);
  CHECK(threads_for_requests(p) == cores() + 3);  // quick nodes and the entry/exit run on their callers
  Resources res;
  Parallelism narrow(1);
  CHECK_THROWS_AS(Service(p, reg, res), NeedsParallelism);
}
