// The API against MariaDB (the `mariadb` ctest fixture): the same data through the same routes,
// checked against SQL run on MariaDB; the fallback's writes (INSERT IGNORE dialect); 503s.
#include <catch2/catch.hpp>

#include <set>
#include <thread>

#include <soci/soci.h>

#include "api_test_support.hpp"
#include "fake_onet_v2.hpp"
#include "gap_test_db.hpp"
#include "nodes/gap/profile_repository.hpp"
#include "nodes/sql/database.hpp"
#include "support/test_support.hpp"
#include "tests/mariadb/mariadb_test_support.hpp"

using nlohmann::json;

namespace {

json call(api::App& app, const std::string& path, const std::string& query = "") {
  auto r = app.handle({"GET", path, query});
  auto j = json::parse(r.body);
  j["_status"] = r.status;
  return j;
}

}  // namespace

TEST_CASE("mariadb: skill gaps on the fixture agree with SQL run on MariaDB", "[api][mariadb]") {
  mariadb_test::ScratchDatabase db;
  testing_support::TempDir dir("apimaria");
  gaptest::run_load("sample.yaml", db.url(), dir.path());
  api::App app(apitest::config_for(db.url()));
  app.start();
  REQUIRE(app.cache().status().loaded);
  CHECK(call(app, "/readyz")["_status"] == 200);

  const char* rated[] = {"11-9901.00", "11-9902.00", "15-9901.00", "15-9902.00", "15-9903.01", "17-9901.00"};
  for (const char* from : rated) {
    for (const char* to : rated) {
      INFO(from << " -> " << to);
      auto j = call(app, "/skill-gap", std::string("from=") + from + "&to=" + to);
      REQUIRE(j["_status"] == 200);
      auto ref = apitest::reference_gaps(db.url(), from, to);
      const auto& gaps = j["result"]["skill_gaps"];
      REQUIRE(gaps.size() == ref.size());
      for (std::size_t i = 0; i < ref.size(); ++i) {
        CHECK(gaps[i]["element_id"] == ref[i].element_id);
        CHECK(gaps[i]["from_data_value"].get<double>() == ref[i].from);
        CHECK(gaps[i]["to_data_value"].get<double>() == ref[i].to);
        CHECK(gaps[i]["gap"].get<double>() == ref[i].gap);
      }
    }
  }
  CHECK(call(app, "/skill-gap", "from=11-9901.00&to=47-9901.00&source=onet")["error"] == "no_ratings");
  // Under auto the unrated occupation is answered from its text estimates (stored on MariaDB too).
  auto est = call(app, "/skill-gap", "from=11-9901.00&to=47-9901.00");
  CHECK(est["success"] == true);
  CHECK(est["result"]["to_value_source"] == "estimate");
  CHECK(call(app, "/skill-gap", "from=11-9901.00&to=99-9999.00")["error"] == "occupation_not_found");
  CHECK(call(app, "/occupations", "q=moon")["result"]["count"] == 1);

  // The SQL search on MariaDB finds the same occupations as the in-memory one.
  gap::ProfileRepository repo(db.url());
  for (std::string q : {"", "moon", "ER", "%", "_", "' OR 1=1 --", "15-99"}) {
    INFO("q = " << q);
    auto sql = repo.search_titles(q, 100);
    auto mem = app.cache().snapshot()->search(q, 100);
    std::set<std::string> a, b;
    for (const auto& o : sql) a.insert(o.code);
    for (const auto& o : mem) b.insert(o.code);
    CHECK(a == b);
  }
}

TEST_CASE("mariadb: a new completed load run is picked up by the refresher", "[api][mariadb]") {
  mariadb_test::ScratchDatabase db;
  testing_support::TempDir dir("apimaria");
  gaptest::run_load("sample.yaml", db.url(), dir.path());
  api::App app(apitest::config_for(db.url()));
  app.start();
  const auto first = app.cache().status().version.load_run_id;
  gaptest::run_load("sample.yaml", db.url(), dir.path());  // load again: a newer run
  for (int i = 0; i < 100 && app.cache().status().version.load_run_id == first; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(app.cache().status().version.load_run_id > first);
  CHECK(call(app, "/skill-gap", "from=15-9901&to=11-9901")["result"]["load_run_id"] == app.cache().status().version.load_run_id);
}

TEST_CASE("mariadb: the fallback stores fetched rows with source onet_api", "[api][mariadb][fallback]") {
  apitest::init_http();
  mariadb_test::ScratchDatabase db;
  testing_support::TempDir dir("apimaria");
  gaptest::run_load("sample.yaml", db.url(), dir.path());
  gaptest::FakeOnetV2 fake("k-123");
  fake.add("15-1299.08", "Computer Systems Engineers/Architects",
           {{"2.A.1.a", "Reading Comprehension", 6.5, 4.5}, {"2.B.9.x", "New Skill", 6.0, 3.0}});
  auto cfg = apitest::config_for(db.url());
  gap::OnetWsOptions w;
  w.base_url = fake.base_url();
  w.api_key = "k-123";
  cfg.onet_api = w;
  apitest::RunningServer s(cfg);
  auto r = apitest::get(s.port(), "/skill-gap?from=15-9901.00&to=15-1299.08");
  INFO(r.body);
  REQUIRE(r.status == 200);
  auto session = sqldb::open_session(sqldb::DatabaseUrl::parse(db.url()));
  long long occ = 0, ratings = 0;
  *session << "SELECT COUNT(*) FROM occupations WHERE onetsoc_code = '15-1299.08' AND source = 'onet_api'", soci::into(occ);
  *session << "SELECT COUNT(*) FROM occupation_ratings WHERE onetsoc_code = '15-1299.08' AND value_source = 'onet_api'",
      soci::into(ratings);
  CHECK(occ == 1);
  CHECK(ratings == 4);
  CHECK(apitest::get(s.port(), "/skill-gap?from=15-1299.08&to=15-9901.00").status == 200);
  CHECK(fake.hits("/online/occupations/") == 1);
}

TEST_CASE("mariadb: an unreachable server is a 503 with Retry-After", "[api][mariadb]") {
  // A port nothing listens on: connection refused, quickly.
  auto cfg = apitest::config_for("mysql://onet:onetpass@127.0.0.1:1/onet?connect_timeout=2");
  api::App app(cfg);
  app.start();
  auto r = app.handle({"GET", "/skill-gap", "from=15-9901.00&to=11-9901.00"});
  CHECK(r.status == 503);
  CHECK(json::parse(r.body)["error"] == "database_unavailable");
  CHECK(r.body.find("onetpass") == std::string::npos);
  CHECK(app.handle({"GET", "/readyz", ""}).status == 503);
}
