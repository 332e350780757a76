// pipelines/skill_gap.yaml run as a dag::Service: lookups in parallel, join, compute, respond.
#include <catch2/catch.hpp>

#include <future>
#include <mutex>
#include <thread>

#include "engine/pipeline.hpp"
#include "engine/registry.hpp"
#include "engine/service.hpp"
#include "gap_test_db.hpp"
#include "nodes/gap/batches.hpp"
#include "nodes/gap/errors.hpp"
#include "support/test_support.hpp"

using testing_support::TempDir;

namespace {

struct Subgraph {
  dag::Registry reg;
  dag::Resources res;
  dag::ResolvedPipeline pipeline;
  std::unique_ptr<dag::Service> service;

  explicit Subgraph(std::shared_ptr<gap::ProfileCache> cache, std::vector<std::string> overrides = {}) {
    dag::register_all_nodes(reg);
    if (cache) res.put("profiles", cache);
    dag::LoadOptions lo;
    lo.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    lo.overrides = std::move(overrides);
    pipeline = dag::load_pipeline(testing_support::repo_path("pipelines/skill_gap.yaml"), reg, lo);
    service = std::make_unique<dag::Service>(pipeline, reg, res);
  }

  std::shared_ptr<const gap::GapResultBatch> ask(const std::string& from, const std::string& to, gap::GapOptions o = {},
                                                 gap::SnapshotPtr snap = nullptr) {
    auto req = std::make_shared<gap::GapRequest>();
    req->from_code = from;
    req->to_code = to;
    req->options = o;
    req->snapshot = std::move(snap);
    return dag::batch_cast<gap::GapResultBatch>(service->call(req, std::chrono::seconds(10)));
  }
};

std::shared_ptr<gap::ProfileCache> cache_on(const std::string& url) {
  gap::CacheOptions opts;
  opts.background_refresh = false;
  auto c = std::make_shared<gap::ProfileCache>(std::make_shared<gap::ProfileRepository>(url), opts);
  c->start();
  return c;
}

}  // namespace

TEST_CASE("skill_gap.yaml computes gaps through the engine with the host's cache", "[gap][subgraph]") {
  TempDir dir("gapsub");
  const std::string url = "sqlite:" + (dir / "tiny.db").string();
  gaptest::exec_sql(url, gaptest::tiny_dataset());
  Subgraph g(cache_on(url));

  auto r = g.ask("11-0001.00", "11-0002.00");
  CHECK(r->from->title == "Source Occ");
  CHECK(r->to->title == "Target Occ");
  CHECK(r->version.load_run_id == 1);
  CHECK(r->version.release == "t1");
  REQUIRE(r->result.gaps.size() == 2);
  CHECK(r->result.gaps[0].element_id == "2.A.1.a");
  CHECK(r->result.gaps[0].gap == 1.38);

  CHECK(g.ask("11-0002.00", "11-0002.00")->result.gaps.empty());

  CHECK_THROWS_AS(g.ask("99-0000.00", "11-0002.00"), gap::UnknownOccupation);
  CHECK_THROWS_AS(g.ask("11-0001.00", "99-0000.00"), gap::UnknownOccupation);
  try {
    g.ask("11-0001.00", "11-0003.00");
    FAIL("expected NoRatings");
  } catch (const gap::NoRatings& e) {
    CHECK(e.code() == "11-0003.00");
    CHECK(e.title() == "No Ratings Occ");
    CHECK(e.domain() == "skills");
  }
  gap::GapOptions knowledge;
  knowledge.domain = gap::Domain::Knowledge;
  CHECK_THROWS_AS(g.ask("11-0001.00", "11-0002.00", knowledge), gap::NoRatings);  // target has no 2.C
  // The service keeps working after failures.
  CHECK(g.ask("11-0001.00", "11-0002.00")->result.gaps.size() == 2);
}

TEST_CASE("skill_gap.yaml answers many concurrent requests, each its own", "[gap][subgraph]") {
  TempDir dir("gapsub");
  const std::string url = "sqlite:" + (dir / "tiny.db").string();
  gaptest::exec_sql(url, gaptest::tiny_dataset());
  Subgraph g(cache_on(url));
  std::vector<std::future<dag::BatchPtr>> futs;
  std::vector<std::pair<std::string, std::string>> asked;
  const char* codes[] = {"11-0001.00", "11-0002.00", "11-0003.00", "99-0000.00"};
  for (int i = 0; i < 400; ++i) {
    auto req = std::make_shared<gap::GapRequest>();
    req->from_code = codes[i % 4];
    req->to_code = codes[(i / 4) % 4];
    asked.emplace_back(req->from_code, req->to_code);
    futs.push_back(g.service->submit(req));
  }
  int ok = 0, failed = 0;
  for (std::size_t i = 0; i < futs.size(); ++i) {
    const auto& [from, to] = asked[i];
    const bool bad = from == "99-0000.00" || to == "99-0000.00" || from == "11-0003.00" || to == "11-0003.00";
    try {
      auto r = dag::batch_cast<gap::GapResultBatch>(futs[i].get());
      CHECK_FALSE(bad);
      CHECK(r->from->code == from);
      CHECK(r->to->code == to);
      ++ok;
    } catch (const std::runtime_error&) {
      CHECK(bad);
      ++failed;
    }
  }
  CHECK(ok == 100);
  CHECK(failed == 300);
  CHECK(g.service->in_flight() == 0);
}

TEST_CASE("a request keeps the snapshot it started with across a reload", "[gap][subgraph]") {
  TempDir dir("gapsub");
  const std::string url = "sqlite:" + (dir / "tiny.db").string();
  gaptest::exec_sql(url, gaptest::tiny_dataset());
  auto cache = cache_on(url);
  Subgraph g(cache);
  auto pinned = cache->snapshot();
  gaptest::exec_sql(
      url, {"UPDATE occupation_ratings SET data_value = 4.5 WHERE onetsoc_code = '11-0001.00' AND element_id = '2.A.1.a'",
            "INSERT INTO load_runs (run_id, pipeline, onet_release, source, started_at, status) "
            "VALUES (2, 'test', 't2', 'x', '2025-01-02T00:00:00Z', 'completed')"});
  REQUIRE(cache->refresh());
  auto old_answer = g.ask("11-0001.00", "11-0002.00", {}, pinned);
  CHECK(old_answer->version.load_run_id == 1);
  CHECK(old_answer->result.gaps.size() == 2);
  auto new_answer = g.ask("11-0001.00", "11-0002.00");
  CHECK(new_answer->version.load_run_id == 2);
  CHECK(new_answer->result.gaps.size() == 1);  // 2.A.1.a closed
}

TEST_CASE("without a host cache the lookups open one from `database` and share it", "[gap][subgraph]") {
  TempDir dir("gapsub");
  const std::string url = "sqlite:" + (dir / "tiny.db").string();
  gaptest::exec_sql(url, gaptest::tiny_dataset());
  Subgraph g(nullptr, {"nodes.lookup_from.params.database=" + url, "nodes.lookup_to.params.database=" + url});
  auto shared = g.res.find<gap::ProfileCache>("profiles");
  REQUIRE(shared);
  CHECK(g.ask("11-0001.00", "11-0002.00")->result.gaps.size() == 2);
  CHECK(shared->status().hits == 2);  // both sides were served by the one cache
}

namespace {

// An in-process remote that knows one occupation and notes the thread each fetch ran on.
class RecordingRemote final : public gap::RemoteProfileSource {
 public:
  std::optional<gap::FetchedOccupation> fetch(const std::string& code) override {
    {
      std::lock_guard lock(mu);
      threads.push_back(std::this_thread::get_id());
    }
    if (code != "15-1299.08") return std::nullopt;
    gap::FetchedOccupation f{code, "Fetched Occ", "from the remote", {}};
    gap::FetchedRating r;
    r.element_id = "2.A.1.a";
    r.element_name = "Reading Comprehension";
    r.scale_id = "LV";
    r.data_value = 6.0;
    f.ratings.push_back(r);
    return f;
  }
  std::mutex mu;
  std::vector<std::thread::id> threads;
};

}  // namespace

TEST_CASE("a lookup the snapshot cannot answer leaves on `miss` and is fetched by profile_fetch, off the caller's thread",
          "[gap][subgraph]") {
  TempDir dir("gapsub");
  const std::string url = "sqlite:" + (dir / "tiny.db").string();
  gaptest::exec_sql(url, gaptest::tiny_dataset());
  gap::CacheOptions opts;
  opts.background_refresh = false;
  auto remote = std::make_shared<RecordingRemote>();
  auto cache = std::make_shared<gap::ProfileCache>(std::make_shared<gap::ProfileRepository>(url), opts, remote);
  cache->start();
  Subgraph g(cache);
  // The YAML says what a request does: the fetch is the one node that is not quick.
  for (const auto& n : g.pipeline.nodes) CHECK(n.spec->quick == (n.type != "profile_fetch"));

  auto r = g.ask("11-0001.00", "15-1299.08");
  CHECK(r->to->title == "Fetched Occ");
  CHECK(r->to->source == "onet_api");
  REQUIRE(r->result.gaps.size() == 1);
  CHECK(r->result.gaps[0].to_value == 6.0);
  {
    std::lock_guard lock(remote->mu);
    REQUIRE(remote->threads.size() == 1);
    CHECK(remote->threads[0] != std::this_thread::get_id());
  }
  // Stored and added to the snapshot: the next request is a hit, no fetch.
  CHECK(g.ask("15-1299.08", "11-0002.00")->from->title == "Fetched Occ");
  // Unknown at the remote too: 404's typed error, through the fetch node; then remembered.
  CHECK_THROWS_AS(g.ask("11-0001.00", "99-0000.00"), gap::UnknownOccupation);
  CHECK_THROWS_AS(g.ask("11-0001.00", "99-0000.00"), gap::UnknownOccupation);
  // Known locally without ratings, nothing at the remote: NoRatings.
  CHECK_THROWS_AS(g.ask("11-0003.00", "11-0002.00"), gap::NoRatings);
  std::lock_guard lock(remote->mu);
  CHECK(remote->threads.size() == 3);  // 15-1299.08, 99-0000.00 once, 11-0003.00
  CHECK(g.service->in_flight() == 0);
}
