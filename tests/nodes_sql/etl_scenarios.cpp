#include "tests/nodes_sql/etl_scenarios.hpp"

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include "nodes/sql/database.hpp"
#include "support/test_support.hpp"
#include "tests/nodes_sql/db_snapshot.hpp"
#include "tests/nodes_sql/pipeline_runs.hpp"

namespace sqltest {
namespace {

std::vector<std::string> value_of(soci::session& s, const std::string& code,
                                  const std::string& element) {
  return query_rows(s, "SELECT scale_id, data_value FROM occupation_ratings WHERE onetsoc_code = '" +
                           code + "' AND element_id = '" + element + "' ORDER BY scale_id");
}

}  // namespace

bool scenario_real_release(const std::string& url, const std::string& rejects_path) {
  const std::string dir = testing_support::onet_data_dir();
  if (dir.empty()) {
    WARN("SKIPPED: the real O*NET 29.2 files are not there (set ONET_DATA_DIR or put them in "
         "../shared/onet/db_29_2_text)");
    return false;
  }
  const std::vector<std::string> overrides = {"nodes.source.params.location=" + dir,
                                              "nodes.load.params.database=" + url,
                                              "nodes.validate.params.rejects_path=" + rejects_path};
  auto report = run_repo_pipeline("full.yaml", overrides);
  INFO(report.error);
  REQUIRE(report.ok);

  auto s = sqldb::open_session(sqldb::DatabaseUrl::parse(url));
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupations") == 1016);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM scales") == 29);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM content_elements") == 627);
  const std::string skill_rows =
      " FROM occupation_ratings r JOIN content_elements e ON e.element_id = r.element_id "
      "WHERE e.domain = 'skills'";
  CHECK(query_count(*s, "SELECT COUNT(*)" + skill_rows) == 61530);
  CHECK(query_count(*s, "SELECT COUNT(DISTINCT r.onetsoc_code)" + skill_rows) == 879);
  CHECK(query_count(*s, "SELECT COUNT(DISTINCT r.element_id)" + skill_rows) == 35);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings r JOIN content_elements e ON "
                        "e.element_id = r.element_id WHERE e.domain = 'knowledge'") == 58014);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings") == 61530 + 58014);
  CHECK(value_of(*s, "15-1251.00", "2.B.3.e") ==
        std::vector<std::string>{"IM\t4.7500", "LV\t4.8800"});
  CHECK(query_rows(*s, "SELECT title FROM occupations WHERE onetsoc_code = '15-1251.00'") ==
        std::vector<std::string>{"Computer Programmers"});
  CHECK(query_rows(*s, "SELECT title FROM occupations WHERE onetsoc_code = '15-1252.00'") ==
        std::vector<std::string>{"Software Developers"});
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings WHERE onetsoc_code = '15-1252.00'") == 0);
  // The statistics O*NET publishes come through, n/a as NULL.
  CHECK(query_rows(*s, "SELECT n, standard_error, lower_ci_bound, upper_ci_bound, "
                       "recommend_suppress, not_relevant, date_updated, domain_source FROM "
                       "occupation_ratings WHERE onetsoc_code = '11-1011.00' AND element_id = "
                       "'2.C.1.a' ORDER BY scale_id") ==
        std::vector<std::string>{"28\t0.1102\t4.5564\t5.0000\tN\tNULL\t08/2023\tIncumbent",
                                 "28\t0.2130\t6.0666\t6.9409\tN\tN\t08/2023\tIncumbent"});
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings WHERE standard_error IS NULL") == 14256);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings WHERE n IS NULL") == 1386);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings WHERE recommend_suppress = 'Y'") == 124 + 4797);
  CHECK(query_rows(*s, "SELECT status, onet_release, occupations, elements, scales, ratings FROM "
                       "load_runs ORDER BY run_id DESC") ==
        std::vector<std::string>{"completed\t29.2\t1016\t627\t29\t119544"});
  CHECK(query_count(*s, "SELECT COUNT(*) FROM load_runs WHERE source_checksum IS NULL") == 0);

  // The same release again: identical rows.
  const auto first = snapshot(*s);
  auto again = run_repo_pipeline("full.yaml", overrides);
  INFO(again.error);
  REQUIRE(again.ok);
  CHECK(snapshot(*s) == first);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM load_runs WHERE status = 'completed'") == 2);
  return true;
}

void scenario_sample_pipeline(const std::string& url, const std::string& rejects_path) {
  // The file names the fixture relative to the repository root (dagrun's working directory);
  // made absolute here so the test also runs from elsewhere.
  auto report = run_repo_pipeline(
      "sample.yaml",
      {"nodes.source.params.location=" + testing_support::repo_path("tests/fixtures/onet_mini"),
       "nodes.load.params.database=" + url, "nodes.validate.params.rejects_path=" + rejects_path});
  INFO(report.error);
  REQUIRE(report.ok);
  auto s = sqldb::open_session(sqldb::DatabaseUrl::parse(url));
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupations") == 8);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM content_elements") == 25);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM scales") == 6);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings") == 96 + 40);
  CHECK(value_of(*s, "15-9901.00", "2.B.3.e") == std::vector<std::string>{"IM\t4.7500", "LV\t5.1200"});
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings WHERE onetsoc_code = '47-9901.00'") == 0);
  CHECK(query_rows(*s, "SELECT status, onet_release FROM load_runs") ==
        std::vector<std::string>{"completed\t0.0-mini"});
}

}  // namespace sqltest
