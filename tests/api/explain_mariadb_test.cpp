// The explanation fields on MariaDB (the `mariadb` ctest fixture): the fixture loaded by the real
// pipeline, every pair's anchors, technology gaps, job zones and education and every occupation's
// tasks, technologies and education checked against SQL run on MariaDB; a reload replaces them
// together with the profiles.
#include <catch2/catch.hpp>

#include <thread>

#include <soci/soci.h>

#include "api/app.hpp"
#include "api_test_support.hpp"
#include "explain_check.hpp"
#include "gap_test_db.hpp"
#include "nodes/sql/database.hpp"
#include "support/test_support.hpp"
#include "tests/mariadb/mariadb_test_support.hpp"

using nlohmann::json;

TEST_CASE("mariadb: the explanation fields agree with SQL run on MariaDB", "[api][mariadb][explain]") {
  mariadb_test::ScratchDatabase db;
  testing_support::TempDir dir("apimariaexplain");
  gaptest::run_load("sample.yaml", db.url(), dir.path());
  api::App app(apitest::config_for(db.url()));
  app.start();
  REQUIRE(app.cache().status().loaded);

  const char* rated[] = {"11-9901.00", "11-9902.00", "15-9901.00", "15-9902.00", "15-9903.01", "17-9901.00"};
  std::size_t anchored = 0, tech = 0;
  for (const char* from : rated) {
    for (const char* to : rated) {
      for (const char* domain : {"skills", "all"}) {
        INFO(from << " -> " << to << " " << domain);
        auto r = app.handle({"GET", "/skill-gap", std::string("from=") + from + "&to=" + to + "&domain=" + domain});
        REQUIRE(r.status == 200);
        auto c = apitest::check_skill_gap_explanations(db.url(), json::parse(r.body));
        anchored += c.anchored;
        tech += c.technology_gaps;
      }
    }
  }
  CHECK(anchored > 0);
  CHECK(tech > 0);
  for (const char* code :
       {"11-9901.00", "11-9902.00", "15-9901.00", "15-9902.00", "15-9903.01", "17-9901.00", "29-9901.00", "47-9901.00"}) {
    auto r = app.handle({"GET", std::string("/occupations/") + code, ""});
    REQUIRE(r.status == 200);
    apitest::check_occupation_explanations(db.url(), json::parse(r.body));
  }

  // A new load run with a changed anchor: the next snapshot carries it, with the new profiles.
  const auto first = app.cache().status().version.load_run_id;
  auto fixture = testing_support::repo_path("tests/fixtures/onet_mini");
  auto rel = dir / "rel";
  std::filesystem::copy(fixture, rel, std::filesystem::copy_options::recursive);
  const auto anchors = rel / "Level Scale Anchors.txt";
  auto text = testing_support::read_file(anchors);
  const std::string from_text = "Write a macro that sorts cheese shipments by weight";
  text.replace(text.find(from_text), from_text.size(), "Write a macro that sorts moon cheese by ripeness");
  testing_support::write_file(anchors, text);
  gaptest::run_load("sample.yaml", db.url(), dir.path(), {"nodes.source.params.location=" + rel.string()});
  for (int i = 0; i < 100 && app.cache().status().version.load_run_id == first; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(app.cache().status().version.load_run_id > first);
  auto after = json::parse(app.handle({"GET", "/skill-gap", "from=11-9902.00&to=15-9901.00"}).body);
  bool seen = false;
  for (const auto& g : after["result"]["skill_gaps"]) {
    if (g["element_id"] != "2.B.3.e") continue;
    seen = true;
    CHECK(g["to_anchor"]["at_or_below"]["description"] == "Write a macro that sorts moon cheese by ripeness");
  }
  CHECK(seen);
  apitest::check_skill_gap_explanations(db.url(), after);
}
