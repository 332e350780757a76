// The O*NET Web Services fallback end to end: skillgap-api's server with ONET settings pointed
// at a fake v2 server on loopback, over a SQLite database loaded from the fixture.
#include <catch2/catch.hpp>

#include <soci/soci.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "api_test_support.hpp"
#include "fake_onet_v2.hpp"
#include "gap_test_db.hpp"
#include "nodes/sql/database.hpp"
#include "support/test_support.hpp"

using apitest::get;
using gaptest::FakeOnetV2;

namespace {

constexpr const char* kKey = "secret-onet-key-XYZ";

std::vector<FakeOnetV2::Skill> api_skills() {
  return {{"2.A.1.a", "Reading Comprehension", 6.5, 4.5},
          {"2.A.1.b", "Active Listening", 1.0, 2.0},
          {"2.B.3.e", "Programming", 6.9, 4.9},
          {"2.B.9.x", "Skill Unknown Locally", 6.0, 3.0}};
}

api::AppConfig fallback_config(const std::string& db, const FakeOnetV2& fake) {
  auto cfg = apitest::config_for(db);
  gap::OnetWsOptions w;
  w.base_url = fake.base_url();
  w.api_key = kKey;
  w.timeout = std::chrono::milliseconds(1000);
  w.backoff = std::chrono::milliseconds(10);
  cfg.onet_api = w;
  return cfg;
}

std::string count_sql(const std::string& db, const std::string& sql) {
  auto s = sqldb::open_session(sqldb::DatabaseUrl::parse(db));
  long long n = 0;
  *s << sql, soci::into(n);
  return std::to_string(n);
}

}  // namespace

TEST_CASE("fallback: an occupation unknown locally is fetched, stored with source onet_api, then served locally",
          "[api][fallback]") {
  apitest::init_http();
  testing_support::TempDir dir("apifb");
  const std::string db = gaptest::load_mini_sqlite(dir.path());
  FakeOnetV2 fake(kKey);
  fake.add("15-1299.08", "Computer Systems Engineers/Architects", api_skills());
  fake.page_limit(3);  // 8 rows -> 3 pages

  std::ostringstream logs;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(logs);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  {
    apitest::RunningServer s(fallback_config(db, fake), std::make_shared<spdlog::logger>("access", sink));
    auto r = get(s.port(), "/skill-gap?from=15-9901.00&to=15-1299.08");
    INFO(r.body);
    REQUIRE(r.status == 200);
    auto j = r.json();
    CHECK(j["result"]["to_occupation_title"] == "Computer Systems Engineers/Architects");
    CHECK(j["result"]["to_source"] == "onet_api");
    const auto& gaps = j["result"]["skill_gaps"];
    REQUIRE(gaps.size() == 3);                  // 2.A.1.b is lower than the source's
    CHECK(gaps[0]["element_id"] == "2.B.9.x");  // from 0: the largest gap
    CHECK(gaps[0]["from_missing"] == true);
    CHECK(fake.hits("/online/occupations/") == 1);
    CHECK(fake.hits("/database/rows/skills") == 3);

    // Stored: rows carry source onet_api.
    CHECK(count_sql(db, "SELECT COUNT(*) FROM occupations WHERE onetsoc_code = '15-1299.08' AND source = 'onet_api'") == "1");
    CHECK(count_sql(db,
                    "SELECT COUNT(*) FROM occupation_ratings WHERE onetsoc_code = '15-1299.08' AND value_source = 'onet_api'") ==
          "8");

    // The next request is served locally.
    auto again = get(s.port(), "/skill-gap?from=15-1299.08&to=15-9901.00");
    CHECK(again.status == 200);
    CHECK(get(s.port(), "/occupations/15-1299.08").json()["result"]["source"] == "onet_api");
    CHECK(fake.hits("/online/occupations/") == 1);
  }
  {
    // ... also after a restart, without the fake being asked again.
    apitest::RunningServer s(fallback_config(db, fake));
    CHECK(get(s.port(), "/skill-gap?from=15-1299.08&to=15-9901.00").status == 200);
    CHECK(fake.hits("/online/occupations/") == 1);
  }
  spdlog::set_default_logger(previous);
  CHECK(logs.str().find("fetched 15-1299.08") != std::string::npos);
  CHECK(logs.str().find(kKey) == std::string::npos);  // the key is never logged
}

TEST_CASE("fallback: a known occupation without ratings is completed from the API", "[api][fallback]") {
  apitest::init_http();
  testing_support::TempDir dir("apifb");
  const std::string db = gaptest::load_mini_sqlite(dir.path());
  FakeOnetV2 fake(kKey);
  fake.add("47-9901.00", "Castle Moat Installers", api_skills());
  apitest::RunningServer s(fallback_config(db, fake));
  auto r = get(s.port(), "/skill-gap?from=11-9901.00&to=47-9901.00");
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(r.json()["result"]["to_occupation_title"] == "Castle Moat Installers");
  CHECK(r.json()["result"]["to_source"] == "file");  // the local row is kept
  CHECK(
      count_sql(db, "SELECT COUNT(*) FROM occupation_ratings WHERE onetsoc_code = '47-9901.00' AND value_source = 'onet_api'") ==
      "8");
}

TEST_CASE("fallback: not found at O*NET either -> 404, asked once", "[api][fallback]") {
  apitest::init_http();
  testing_support::TempDir dir("apifb");
  const std::string db = gaptest::load_mini_sqlite(dir.path());
  FakeOnetV2 fake(kKey);
  fake.add("11-1031.00", "Legislators", {});  // known there, but no skills rows
  apitest::RunningServer s(fallback_config(db, fake));
  auto unknown = get(s.port(), "/skill-gap?from=11-9901.00&to=99-1234.00");
  CHECK(unknown.status == 404);
  CHECK(unknown.json()["error"] == "occupation_not_found");
  CHECK(get(s.port(), "/skill-gap?from=11-9901.00&to=99-1234.00").status == 404);
  CHECK(fake.hits("/online/occupations/99-1234.00/") == 1);  // remembered

  auto legis = get(s.port(), "/skill-gap?from=11-9901.00&to=11-1031.00");
  CHECK(legis.status == 404);
  CHECK(legis.json()["error"] == "no_ratings");
  CHECK(legis.json()["message"] ==
        "Error: Occupation code 11-1031.00 (Legislators) has no skill ratings, so no skill gap can be computed.");
}

TEST_CASE("fallback: O*NET failing -> 503 onet_api_unavailable with Retry-After, retried later", "[api][fallback]") {
  apitest::init_http();
  testing_support::TempDir dir("apifb");
  const std::string db = gaptest::load_mini_sqlite(dir.path());
  FakeOnetV2 fake(kKey);
  fake.add("15-1299.08", "Computer Systems Engineers/Architects", api_skills());
  fake.fail_first("/online/occupations/", {503, 503, 503});
  apitest::RunningServer s(fallback_config(db, fake));
  auto r = get(s.port(), "/skill-gap?from=15-9901.00&to=15-1299.08");
  CHECK(r.status == 503);
  CHECK(r.json()["error"] == "onet_api_unavailable");
  CHECK(r.json()["result"]["skill_gaps"] == nlohmann::json::array());
  CHECK(r.headers["retry-after"] == "30");
  CHECK(fake.hits("/online/occupations/") == 3);
  // Recovered upstream: the next request succeeds.
  CHECK(get(s.port(), "/skill-gap?from=15-9901.00&to=15-1299.08").status == 200);
}

TEST_CASE("fallback: a wrong key is a 503, never a 404, and the key is not echoed", "[api][fallback]") {
  apitest::init_http();
  testing_support::TempDir dir("apifb");
  const std::string db = gaptest::load_mini_sqlite(dir.path());
  FakeOnetV2 fake("another-key");
  apitest::RunningServer s(fallback_config(db, fake));
  auto r = get(s.port(), "/occupations/15-1299.08");
  CHECK(r.status == 503);
  CHECK(r.json()["error"] == "onet_api_unavailable");
  CHECK(r.body.find(kKey) == std::string::npos);
  // Local requests are unaffected.
  CHECK(get(s.port(), "/skill-gap?from=15-9901.00&to=11-9901.00").status == 200);
}

TEST_CASE("fallback: requests waiting for O*NET beyond the fetch node's queue_limit get 503 busy at once", "[api][fallback]") {
  apitest::init_http();
  testing_support::TempDir dir("apifb");
  const std::string db = gaptest::load_mini_sqlite(dir.path());
  FakeOnetV2 fake(kKey);
  fake.delay(std::chrono::milliseconds(700));  // every code is unknown there, after a while (within the 1 s timeout)
  // The shipped pipeline with one fetch at a time and one request allowed to wait for it.
  std::ifstream in(testing_support::repo_path("pipelines/skill_gap.yaml"));
  std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (auto [from, to] :
       {std::pair<std::string, std::string>{"concurrency: 4 ", "concurrency: 1 "}, {"queue_limit: 256", "queue_limit: 1"}}) {
    auto pos = yaml.find(from);
    REQUIRE(pos != std::string::npos);
    yaml.replace(pos, from.size(), to);
  }
  testing_support::write_file(dir / "narrow.yaml", yaml);
  auto cfg = fallback_config(db, fake);
  cfg.pipeline = (dir / "narrow.yaml").string();
  apitest::RunningServer s(cfg);
  std::vector<apitest::PendingRequest> asks;
  asks.reserve(6);
  asks.emplace_back(s.port(), "/skill-gap?from=11-9901.00&to=99-1000.00");
  // The rest only once the first is fetching (the fake saw it): otherwise, on a busy machine, the
  // first may still sit in the queue when the second arrives, which is then refused too.
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       fake.hits("/online/occupations/") == 0 && std::chrono::steady_clock::now() < until;)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(fake.hits("/online/occupations/") == 1);
  for (int i = 1; i < 6; ++i) asks.emplace_back(s.port(), "/skill-gap?from=11-9901.00&to=99-100" + std::to_string(i) + ".00");
  int busy = 0, not_found = 0;
  for (auto& a : asks) {
    auto r = a.read();
    INFO(r.status << " " << r.body);
    if (r.status == 503) {
      ++busy;
      CHECK(r.json()["error"] == "busy");
      CHECK(r.json()["message"] == "Error: Too many requests are waiting for O*NET Web Services; try again.");
      CHECK(r.json()["result"]["skill_gaps"] == nlohmann::json::array());
      CHECK(r.headers["retry-after"] == "5");
    } else {
      CHECK(r.status == 404);
      ++not_found;
    }
  }
  // One fetching, one waiting (both end as 404 from O*NET); the other four refused at once.
  CHECK(busy == 4);
  CHECK(not_found == 2);
  // Local answers never waited behind them.
  CHECK(get(s.port(), "/skill-gap?from=15-9901.00&to=11-9901.00").status == 200);
}
