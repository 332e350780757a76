// Running pipelines: ordering, parallelism, failure propagation, bounded in-flight work.
#include <catch2/catch.hpp>

#include "engine/pipeline.hpp"
#include "engine/runner.hpp"
#include "test_nodes.hpp"

using namespace dag;
using enginetest::Recorder;

namespace {

struct Run {
  std::shared_ptr<Recorder> rec = std::make_shared<Recorder>();
  RunReport report;
};

Run run_yaml(const std::string& yaml, RunOptions opts = {}) {
  auto reg = enginetest::test_registry();
  auto p = resolve_pipeline(parse_pipeline_doc(yaml, "p.yaml"), reg);
  Run r;
  Resources res;
  res.put("rec", r.rec);
  r.report = run_pipeline(p, reg, res, opts);
  return r;
}

const NodeStats& stats(const RunReport& r, const std::string& id) {
  for (const auto& n : r.nodes)
    if (n.id == id) return n;
  FAIL("no node " << id);
  throw;
}

}  // namespace

TEST_CASE("dependent nodes run in order and every row arrives", "[run]") {
  auto r = run_yaml(R"(name: chain
nodes:
  - {id: src, type: t_source, params: {batches: 20, rows: 100}}
  - {id: m1, type: t_map, inputs: [src], params: {add: 1}}
  - {id: m2, type: t_map, inputs: [m1], params: {add: 1}, concurrency: 3}
  - {id: sink, type: t_sink, inputs: [m2]}
)");
  REQUIRE(r.report.ok);
  CHECK(r.rec->rows_committed == 2000);
  CHECK(r.rec->commits == 1);
  CHECK(r.rec->aborts == 0);
  // A node finishes only after its upstream did; commit comes after every finish.
  CHECK(r.rec->index_of("src:start") < r.rec->index_of("m1:first"));
  CHECK(r.rec->index_of("src:end") < r.rec->index_of("m1:finish"));
  CHECK(r.rec->index_of("m1:finish") < r.rec->index_of("m2:finish"));
  CHECK(r.rec->index_of("m2:finish") < r.rec->index_of("sink:finish"));
  CHECK(r.rec->index_of("sink:finish") < r.rec->index_of("sink:commit"));
  const auto& m2 = stats(r.report, "m2");
  CHECK(m2.batches_in == 20);
  CHECK(m2.rows_in == 2000);
  CHECK(m2.rows_out == 2000);
  CHECK(m2.status == NodeStatus::Ok);
  CHECK(stats(r.report, "sink").counters.at("staged") == 2000);
  auto json = r.report.to_json();
  CHECK(json.find("\"rows_in\": 2000") != std::string::npos);
  CHECK(r.report.to_table().find("succeeded") != std::string::npos);
}

TEST_CASE("independent branches really run in parallel", "[run][parallel]") {
  // Two branches, each sleeping 150 ms per batch: if they overlap, peak_active reaches 2.
  auto r = run_yaml(R"(name: fork
nodes:
  - {id: src, type: t_source, params: {batches: 4, rows: 1}}
  - {id: left, type: t_map, inputs: [src], params: {sleep_ms: 150}}
  - {id: right, type: t_map, inputs: [src], params: {sleep_ms: 150}}
  - {id: sink, type: t_sink, inputs: [left, right]}
)");
  REQUIRE(r.report.ok);
  CHECK(r.rec->rows_committed == 8);
  CHECK(r.rec->peak_active >= 2);
}

TEST_CASE("per-node concurrency is honoured", "[run][parallel]") {
  auto serial = run_yaml(R"(name: c1
nodes:
  - {id: src, type: t_source, params: {batches: 8, rows: 1}}
  - {id: m, type: t_map, inputs: [src], params: {sleep_ms: 30}}
  - {id: sink, type: t_sink, inputs: [m]}
)");
  REQUIRE(serial.report.ok);
  CHECK(serial.rec->peak_active == 1);
  auto wide = run_yaml(R"(name: c3
nodes:
  - {id: src, type: t_source, params: {batches: 12, rows: 1}}
  - {id: m, type: t_map, inputs: [src], params: {sleep_ms: 60}, concurrency: 3}
  - {id: sink, type: t_sink, inputs: [m]}
)");
  REQUIRE(wide.report.ok);
  CHECK(wide.rec->peak_active >= 2);
  CHECK(wide.rec->peak_active <= 3);
  CHECK(wide.rec->rows_committed == 12);
}

TEST_CASE("a failing node stops the run and nothing downstream commits", "[run][failure]") {
  auto r = run_yaml(R"(name: boom
nodes:
  - {id: src, type: t_source, params: {batches: 1000, rows: 10}}
  - {id: m, type: t_map, inputs: [src], params: {fail_at: 5}}
  - {id: other, type: t_map, inputs: [src], params: {sleep_ms: 1}}
  - {id: sink, type: t_sink, inputs: [m, other]}
)");
  CHECK_FALSE(r.report.ok);
  CHECK(r.report.failed_node == "m");
  CHECK(r.report.error == "node 'm' (t_map): map failure at batch 5");
  CHECK(r.rec->commits == 0);
  CHECK(r.rec->rows_committed == 0);
  CHECK(r.rec->aborts == 1);
  CHECK_FALSE(r.rec->has("sink:finish"));
  CHECK(stats(r.report, "m").status == NodeStatus::Failed);
  CHECK(stats(r.report, "m").error == "map failure at batch 5");
  CHECK(stats(r.report, "sink").status != NodeStatus::Ok);
  // The source was stopped long before producing all its batches.
  CHECK(stats(r.report, "src").batches_out < 1000);
  CHECK(r.report.to_table().find("FAILED") != std::string::npos);
}

TEST_CASE("a failing source fails the run", "[run][failure]") {
  auto r = run_yaml(R"(name: boom
nodes:
  - {id: src, type: t_source, params: {batches: 10, fail_at: 3}}
  - {id: sink, type: t_sink, inputs: [src]}
)");
  CHECK_FALSE(r.report.ok);
  CHECK(r.report.error == "node 'src' (t_source): source failure at batch 3");
  CHECK(r.rec->commits == 0);
}

TEST_CASE("a factory error names the node", "[run][failure]") {
  auto reg = enginetest::test_registry();
  auto p = resolve_pipeline(
      parse_pipeline_doc("name: x\nnodes:\n  - {id: s, type: t_source}\n  - {id: k, type: t_sink, inputs: [s]}\n", "p.yaml"),
      reg);
  Resources none;  // no Recorder: the factory throws
  auto report = run_pipeline(p, reg, none);
  CHECK_FALSE(report.ok);
  CHECK(report.error == "node 's' (t_source): test needs a Recorder resource 'rec'");
}

TEST_CASE("bounded memory on a large stream: in-flight batches stay bounded", "[run][memory]") {
  // 5,000 batches through a fast source into a slow sink: without back-pressure they would all
  // be queued at once; with max_in_flight = 4 per node only a handful are alive at any time.
  RunOptions opts;
  opts.max_in_flight = 4;
  auto r = run_yaml(R"(name: stream
nodes:
  - {id: src, type: t_source, params: {batches: 5000, rows: 64}}
  - {id: m, type: t_map, inputs: [src]}
  - {id: sink, type: t_sink, inputs: [m], params: {sleep_ms: 0}}
)",
                    opts);
  REQUIRE(r.report.ok);
  CHECK(r.rec->rows_committed == 5000 * 64);
  CHECK(r.rec->live_batches == 0);
  // src may hold 4, m may hold 4, plus the one being built and the one being consumed at each hop.
  CHECK(r.rec->peak_live_batches <= 4 + 4 + 4);
}

TEST_CASE("progress callback sees snapshots", "[run]") {
  RunOptions opts;
  std::atomic<int> calls{0};
  opts.progress_interval = std::chrono::milliseconds(10);
  opts.on_progress = [&](const std::vector<NodeStats>& s) {
    CHECK(s.size() == 3);
    ++calls;
  };
  std::vector<std::string> done;
  std::mutex mu;
  opts.on_node_done = [&](const NodeStats& s) {
    std::lock_guard lock(mu);
    done.push_back(s.id);
  };
  auto r = run_yaml(R"(name: p
nodes:
  - {id: src, type: t_source, params: {batches: 10, rows: 1}}
  - {id: m, type: t_map, inputs: [src], params: {sleep_ms: 10}}
  - {id: sink, type: t_sink, inputs: [m]}
)",
                    opts);
  REQUIRE(r.report.ok);
  CHECK(calls >= 2);
  CHECK(done == std::vector<std::string>{"src", "m", "sink"});
}
