// Request mode: one long-lived graph answering many concurrent requests by correlation key.
#include <catch2/catch.hpp>

#include <thread>

#include "engine/pipeline.hpp"
#include "engine/service.hpp"
#include "test_nodes.hpp"

using namespace dag;
using enginetest::NumBatch;
using enginetest::Recorder;

namespace {
const char* kService = R"(name: svc
nodes:
  - {id: request, type: request}
  - {id: left, type: t_map, inputs: [request], params: {add: 1000, sleep_ms: 5}, concurrency: unlimited}
  - {id: right, type: t_map, inputs: [request], params: {add: 2000, fail_at: 7}, concurrency: unlimited}
  - {id: pair, type: join, inputs: [left, right]}
  - {id: respond, type: respond, inputs: [pair]}
)";

// A service over a pipeline given as YAML text, with a Recorder lent as "rec". Members in
// this order: the Service keeps references to the registry, the pipeline and the resources.
struct ServiceUnderTest {
  Registry reg = enginetest::test_registry();
  ResolvedPipeline p;
  std::shared_ptr<Recorder> rec = std::make_shared<Recorder>();
  Resources res;
  std::unique_ptr<Service> svc;
  ServiceUnderTest(const std::string& yaml, const std::string& file) : p(resolve_pipeline(parse_pipeline_doc(yaml, file), reg)) {
    res.put("rec", rec);
    svc = std::make_unique<Service>(p, reg, res);
  }
};
}  // namespace

TEST_CASE("service answers concurrent requests, each with its own result", "[service]") {
  ServiceUnderTest t(kService, "svc.yaml");
  Service& svc = *t.svc;
  const auto& rec = t.rec;

  constexpr int kRequests = 200;
  std::vector<std::future<BatchPtr>> futures;
  for (int i = 0; i < kRequests; ++i) futures.push_back(svc.submit(std::make_shared<NumBatch>(nullptr, std::vector<long>{i})));
  int ok = 0, failed = 0;
  for (int i = 0; i < kRequests; ++i) {
    try {
      auto out = batch_cast<TupleBatch>(futures[static_cast<std::size_t>(i)].get());
      REQUIRE(out->parts().size() == 2);
      CHECK(batch_cast<NumBatch>(out->parts()[0])->values == std::vector<long>{i + 1000});
      CHECK(batch_cast<NumBatch>(out->parts()[1])->values == std::vector<long>{i + 2000});
      ++ok;
    } catch (const std::runtime_error& e) {
      // The 8th request that reaches `right` fails; only that one.
      CHECK(std::string(e.what()) == "map failure at batch 7");
      ++failed;
    }
  }
  CHECK(ok == kRequests - 1);
  CHECK(failed == 1);
  CHECK(svc.in_flight() == 0);
  CHECK(rec->peak_active >= 2);  // requests overlapped in the graph
}

TEST_CASE("service call times out and forgets the request", "[service]") {
  ServiceUnderTest t(R"(name: slow
nodes:
  - {id: request, type: request}
  - {id: m, type: t_map, inputs: [request], params: {sleep_ms: 300}}
  - {id: respond, type: respond, inputs: [m]}
)",
                     "slow.yaml");
  Service& svc = *t.svc;
  CHECK_THROWS_WITH(svc.call(std::make_shared<NumBatch>(nullptr, std::vector<long>{1}), std::chrono::milliseconds(20)),
                    "request timed out after 20 ms");
  // Typed: a host tells a deadline apart from the nodes' own errors without reading the clock.
  CHECK_THROWS_AS(svc.call(std::make_shared<NumBatch>(nullptr, std::vector<long>{2}), std::chrono::milliseconds(20)),
                  dag::RequestTimeout);
  auto ok = batch_cast<NumBatch>(svc.call(std::make_shared<NumBatch>(nullptr, std::vector<long>{5}), std::chrono::seconds(5)));
  CHECK(ok->values == std::vector<long>{5});
}

TEST_CASE("a request through quick nodes runs on the caller's thread, others on the workers", "[service]") {
  auto reg = enginetest::test_registry();
  Resources res;
  auto where = [&](const char* type) {
    auto p = resolve_pipeline(parse_pipeline_doc(std::string(R"(name: where
nodes:
  - {id: request, type: request}
  - {id: w, type: )") + type + R"(, inputs: [request]}
  - {id: respond, type: respond, inputs: [w]}
)",
                                                 "where.yaml"),
                              reg);
    Service svc(p, reg, res);
    auto out = batch_cast<NumBatch>(svc.call(std::make_shared<NumBatch>(nullptr, std::vector<long>{1}), std::chrono::seconds(5)));
    REQUIRE(out->values.size() == 1);
    return out->values[0];
  };
  CHECK(where("t_where") == enginetest::thread_number());
  CHECK(where("t_where_task") != enginetest::thread_number());
}

// Regression: the request path ran one request at a time. oneTBB's broadcast_node holds its
// successor lock while an inline successor runs, so the entry node's lock was held for a whole
// request and a second HTTP thread waited (engine/flow_graph.hpp). Two requests must be able to
// be inside the same quick node at once.
TEST_CASE("two requests run through the inline nodes at the same time", "[service]") {
  ServiceUnderTest t(R"(name: both
nodes:
  - {id: request, type: request}
  - {id: meet, type: t_rendezvous, inputs: [request], params: {count: 2}, concurrency: unlimited}
  - {id: respond, type: respond, inputs: [meet], concurrency: unlimited}
)",
                     "both.yaml");
  Service& svc = *t.svc;
  auto call = [&] {
    return batch_cast<NumBatch>(svc.call(std::make_shared<NumBatch>(nullptr, std::vector<long>{1}), std::chrono::seconds(20)))
        ->values.at(0);
  };
  long a = -1, b = -1;
  std::thread t1([&] { a = call(); });
  std::thread t2([&] { b = call(); });
  t1.join();
  t2.join();
  CHECK(a == 1);  // 0: the two requests were never inside `meet` together
  CHECK(b == 1);
}

TEST_CASE("a service pipeline needs request and respond nodes", "[service]") {
  auto reg = enginetest::test_registry();
  auto p = resolve_pipeline(
      parse_pipeline_doc("name: x\nnodes:\n  - {id: request, type: request}\n  - {id: d, type: discard, inputs: [request]}\n",
                         "x.yaml"),
      reg);
  Resources res;
  CHECK_THROWS_WITH(Service(p, reg, res),
                    "x.yaml: a service pipeline needs exactly one 'request' and one 'respond' node (has 1 and 0)");
}
