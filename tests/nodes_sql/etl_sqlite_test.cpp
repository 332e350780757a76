// pipelines/sample.yaml and pipelines/full.yaml (real O*NET 29.2) into SQLite.
#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "nodes/sql/database.hpp"

#include "support/test_support.hpp"
#include "tests/nodes_sql/db_snapshot.hpp"
#include "tests/nodes_sql/etl_scenarios.hpp"
#include "tests/nodes_sql/pipeline_runs.hpp"

TEST_CASE("sqlite: pipelines/sample.yaml loads the fixture release", "[sql][sqlite][etl]") {
  testing_support::TempDir dir("etl-sample");
  sqltest::scenario_sample_pipeline("sqlite:" + (dir / "sample.db").string(), (dir / "rejects.tsv").string());
}

TEST_CASE("sqlite: bad descriptive tables fail the run and keep the previous dataset", "[sql][sqlite][etl]") {
  testing_support::TempDir dir("etl-desc-bad");
  sqltest::scenario_descriptive_bad_inputs("sqlite:" + (dir / "sample.db").string(), (dir / "rejects.tsv").string());
}

TEST_CASE("sqlite: pipelines/full.yaml loads the real O*NET 29.2 release", "[sql][sqlite][etl][real]") {
  testing_support::TempDir dir("etl-real");
  sqltest::scenario_real_release("sqlite:" + (dir / "onet.db").string(), (dir / "rejects.tsv").string());
}

TEST_CASE("sqlite: rows dropped under on_error skip are counted in load_runs.rejected", "[sql][sqlite][etl]") {
  testing_support::TempDir dir("etl-rejects");
  const auto release = dir / "release";
  std::filesystem::copy(testing_support::repo_path("tests/fixtures/onet_mini"), release);
  {
    // Line 3 of Skills.txt (an LV row) gets a level above the LV scale's maximum of 7.
    std::ifstream in(release / "Skills.txt", std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    const std::string row = "11-9901.00\t2.A.1.a\tReading Comprehension\tLV\t3.53\t";
    const auto at = text.find(row);
    REQUIRE(at != std::string::npos);
    text.replace(at + row.size() - 5, 4, "9.53");
    std::ofstream(release / "Skills.txt", std::ios::binary) << text;
  }
  const std::string url = "sqlite:" + (dir / "sample.db").string();
  auto report =
      sqltest::run_repo_pipeline("sample.yaml", {"settings.on_error=skip", "nodes.source.params.location=" + release.string(),
                                                 "nodes.load.params.database=" + url,
                                                 "nodes.validate.params.rejects_path=" + (dir / "rejects.tsv").string()});
  INFO(report.error);
  REQUIRE(report.ok);
  auto s = sqldb::open_session(sqldb::DatabaseUrl::parse(url));
  CHECK(sqltest::query_rows(*s, "SELECT status, rejected, ratings FROM load_runs") ==
        std::vector<std::string>{"completed\t1\t135"});
  CHECK(sqltest::query_count(*s, "SELECT COUNT(*) FROM occupation_ratings") == 96 + 40 - 1);
}

TEST_CASE("sqlite: the text estimates are bit-identical whatever the chunking and the order chunks arrive in",
          "[sql][sqlite][etl][estimate]") {
  // text_estimate sees its tables' chunks in the order the graph's threads deliver them; it puts
  // them back in file order, so every load sums the same numbers in the same order. One row per
  // chunk scrambles the arrival order most; the estimates must not change in their last bit
  // (the median calibration's bins would turn a last-bit difference into a visible one).
  testing_support::TempDir dir("etl-estimate-order");
  const std::string release = testing_support::repo_path("tests/fixtures/onet_mini");
  auto load = [&](const std::string& name, std::size_t chunk_rows) {
    const std::string url = "sqlite:" + (dir / (name + ".db")).string();
    std::vector<std::string> o = {"nodes.source.params.location=" + release, "nodes.load.params.database=" + url,
                                  "nodes.validate.params.rejects_path=" + (dir / (name + ".tsv")).string()};
    for (const char* id :
         {"occupations", "content_model", "scales", "skills", "knowledge", "abilities", "tasks", "alternate_titles",
          "reported_titles", "job_zone_reference", "job_zones", "anchors", "technology", "ete_categories", "ete"})
      o.push_back(std::string("nodes.") + id + ".params.chunk_rows=" + std::to_string(chunk_rows));
    auto report = sqltest::run_repo_pipeline("sample.yaml", o);
    INFO(report.error);
    REQUIRE(report.ok);
    auto s = sqldb::open_session(sqldb::DatabaseUrl::parse(url));
    return sqltest::query_rows(*s,
                               "SELECT onetsoc_code, element_id, scale_id, printf('%.17g %.17g %.17g %.17g', estimate, sd, "
                               "lower_bound, upper_bound) FROM occupation_estimates ORDER BY 1, 2, 3");
  };
  const auto whole = load("whole", 8192);
  REQUIRE(whole.size() > 100);
  for (int round = 0; round < 3; ++round) CHECK(load("rows" + std::to_string(round), 1) == whole);
}
