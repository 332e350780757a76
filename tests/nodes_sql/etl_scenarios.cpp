#include "tests/nodes_sql/etl_scenarios.hpp"

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include <filesystem>

#include "nodes/onet/table_shapes.hpp"
#include "nodes/sql/database.hpp"
#include "support/test_support.hpp"
#include "tests/nodes_sql/db_snapshot.hpp"
#include "tests/nodes_onet/bad_inputs.hpp"
#include "tests/nodes_sql/pipeline_runs.hpp"

namespace sqltest {
namespace {

std::vector<std::string> value_of(soci::session& s, const std::string& code, const std::string& element) {
  return query_rows(s, "SELECT scale_id, data_value FROM occupation_ratings WHERE onetsoc_code = '" + code +
                           "' AND element_id = '" + element + "' ORDER BY scale_id");
}

}  // namespace

bool scenario_real_release(const std::string& url, const std::string& rejects_path) {
  const std::string dir = testing_support::onet_data_dir();
  if (dir.empty()) {
    WARN(
        "SKIPPED: the real O*NET 29.2 files are not there (set ONET_DATA_DIR or put them in "
        "../shared/onet/db_29_2_text)");
    return false;
  }
  const std::vector<std::string> overrides = {"nodes.source.params.location=" + dir, "nodes.load.params.database=" + url,
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
  CHECK(query_count(*s,
                    "SELECT COUNT(*) FROM occupation_ratings r JOIN content_elements e ON "
                    "e.element_id = r.element_id WHERE e.domain = 'knowledge'") == 58014);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings") == 61530 + 58014);
  CHECK(value_of(*s, "15-1251.00", "2.B.3.e") == std::vector<std::string>{"IM\t4.7500", "LV\t4.8800"});
  CHECK(query_rows(*s, "SELECT title FROM occupations WHERE onetsoc_code = '15-1251.00'") ==
        std::vector<std::string>{"Computer Programmers"});
  CHECK(query_rows(*s, "SELECT title FROM occupations WHERE onetsoc_code = '15-1252.00'") ==
        std::vector<std::string>{"Software Developers"});
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings WHERE onetsoc_code = '15-1252.00'") == 0);
  // The statistics O*NET publishes come through, n/a as NULL.
  CHECK(query_rows(*s,
                   "SELECT n, standard_error, lower_ci_bound, upper_ci_bound, "
                   "recommend_suppress, not_relevant, date_updated, domain_source FROM "
                   "occupation_ratings WHERE onetsoc_code = '11-1011.00' AND element_id = "
                   "'2.C.1.a' ORDER BY scale_id") ==
        std::vector<std::string>{"28\t0.1102\t4.5564\t5.0000\tN\tNULL\t08/2023\tIncumbent",
                                 "28\t0.2130\t6.0666\t6.9409\tN\tN\t08/2023\tIncumbent"});
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings WHERE standard_error IS NULL") == 14256);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings WHERE n IS NULL") == 1386);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings WHERE recommend_suppress = 'Y'") == 124 + 4797);
  CHECK(query_rows(*s,
                   "SELECT status, onet_release, occupations, elements, scales, ratings FROM "
                   "load_runs ORDER BY run_id DESC") == std::vector<std::string>{"completed\t29.2\t1016\t627\t29\t119544"});

  // The descriptive tables, with the row counts of ../shared/onet/README.md.
  CHECK(query_rows(*s,
                   "SELECT task_statements, alternate_titles, reported_titles, job_zones, job_zone_reference, "
                   "level_scale_anchors, technology_skills, technology_commodities, ete_ratings, ete_categories, "
                   "rejected FROM load_runs") ==
        std::vector<std::string>{"18796\t56560\t7796\t923\t5\t483\t32627\t135\t36209\t41\t0"});
  const std::vector<std::pair<std::string, long long>> counts = {
      {"task_statements", 18796}, {"alternate_titles", 56560},  {"reported_titles", 7796},    {"job_zones", 923},
      {"job_zone_reference", 5},  {"level_scale_anchors", 483}, {"technology_skills", 32627}, {"technology_commodities", 135},
      {"ete_ratings", 36209},     {"ete_categories", 41}};
  for (const auto& [table, n] : counts) {
    INFO(table);
    CHECK(query_count(*s, "SELECT COUNT(*) FROM " + table) == n);
  }
  CHECK(query_count(*s, "SELECT COUNT(DISTINCT onetsoc_code) FROM task_statements") == 923);
  CHECK(query_count(*s, "SELECT COUNT(DISTINCT onetsoc_code) FROM alternate_titles") == 1016);
  CHECK(query_count(*s, "SELECT COUNT(DISTINCT onetsoc_code) FROM reported_titles") == 901);
  CHECK(query_count(*s, "SELECT COUNT(DISTINCT onetsoc_code) FROM technology_skills") == 923);
  CHECK(query_count(*s, "SELECT COUNT(DISTINCT onetsoc_code) FROM ete_ratings") == 858);
  CHECK(query_count(*s, "SELECT COUNT(DISTINCT element_id) FROM level_scale_anchors") == 161);
  // n/a as NULL, counted in the files (awk over the 29.2 text release).
  CHECK(query_count(*s, "SELECT COUNT(*) FROM task_statements WHERE task_type IS NULL") == 1157);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM task_statements WHERE task_type = 'Core'") == 13417);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM task_statements WHERE incumbents_responding IS NULL") == 1639);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM alternate_titles WHERE short_title IS NULL") == 52986);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM reported_titles WHERE shown_in_my_next_move = 'Y'") == 3549);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM technology_skills WHERE hot_technology = 'Y'") == 11621);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM technology_skills WHERE in_demand = 'Y'") == 2320);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM ete_ratings WHERE category IS NULL") == 1031);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM ete_ratings WHERE standard_error IS NULL") == 8357);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM ete_ratings WHERE lower_ci_bound IS NULL") == 18607);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM ete_ratings WHERE recommend_suppress = 'Y'") == 791);
  // Rows checked against the files' lines.
  CHECK(query_rows(*s,
                   "SELECT onetsoc_code, task, task_type, incumbents_responding, date_updated, domain_source "
                   "FROM task_statements WHERE task_id = 8823") ==
        std::vector<std::string>{"11-1011.00\tDirect or coordinate an organization's financial or budget activities "
                                 "to fund operations, maximize investments, or increase efficiency.\tCore\t95.0000\t"
                                 "08/2023\tIncumbent"});
  CHECK(query_rows(*s,
                   "SELECT onetsoc_code, task_type, incumbents_responding FROM task_statements WHERE task_id = "
                   "12810") == std::vector<std::string>{"53-7121.00\tSupplemental\t85.0000"});
  CHECK(query_rows(*s,
                   "SELECT short_title, sources FROM alternate_titles WHERE onetsoc_code = '29-1141.00' AND "
                   "alternate_title = 'Registered Nurse (RN)'") == std::vector<std::string>{"RN\t02,03,04,06,08,09,10"});
  CHECK(query_rows(*s,
                   "SELECT short_title, sources FROM alternate_titles WHERE onetsoc_code = '15-1252.00' AND "
                   "alternate_title = 'Software Engineer'") == std::vector<std::string>{"NULL\t02,04,10"});
  // The one title O*NET lists twice for an occupation, with and without a short title.
  CHECK(query_rows(*s,
                   "SELECT short_title, sources FROM alternate_titles WHERE onetsoc_code = '21-1014.00' AND "
                   "alternate_title = 'Licensed Mental Health Counselor (LMHC)' ORDER BY short_title") ==
        std::vector<std::string>{"NULL\t04", "LMHC\t02,04"});
  CHECK(query_rows(*s,
                   "SELECT shown_in_my_next_move FROM reported_titles WHERE onetsoc_code = '53-7121.00' AND "
                   "reported_title = 'Truck Loader'") == std::vector<std::string>{"Y"});
  CHECK(query_rows(*s,
                   "SELECT onetsoc_code, job_zone, date_updated, domain_source FROM job_zones WHERE "
                   "onetsoc_code IN ('15-1251.00', '15-1252.00', '15-1254.00') ORDER BY onetsoc_code") ==
        std::vector<std::string>{"15-1251.00\t4\t08/2018\tAnalyst", "15-1252.00\t4\t11/2021\tAnalyst - Preliminary",
                                 "15-1254.00\t3\t07/2017\tAnalyst"});
  CHECK(query_rows(*s, "SELECT job_zone, name, svp_range FROM job_zone_reference ORDER BY job_zone") ==
        std::vector<std::string>{"1\tJob Zone One: Little or No Preparation Needed\t(Below 4.0)",
                                 "2\tJob Zone Two: Some Preparation Needed\t(4.0 to < 6.0)",
                                 "3\tJob Zone Three: Medium Preparation Needed\t(6.0 to < 7.0)",
                                 "4\tJob Zone Four: Considerable Preparation Needed\t(7.0 to < 8.0)",
                                 "5\tJob Zone Five: Extensive Preparation Needed\t(8.0 and above)"});
  CHECK(query_rows(*s,
                   "SELECT anchor_value, anchor_description FROM level_scale_anchors WHERE element_id = "
                   "'2.B.3.e' AND scale_id = 'LV' ORDER BY anchor_value") ==
        std::vector<std::string>{"2.0000\tWrite a program to sort objects in a database",
                                 "4.0000\tWrite a statistical analysis program to analyze demographic data",
                                 "6.0000\tWrite programs to analyze geological data for existence of mineral deposits"});
  CHECK(query_rows(*s,
                   "SELECT t.commodity_code, c.commodity_title, t.hot_technology, t.in_demand FROM "
                   "technology_skills t JOIN technology_commodities c ON c.commodity_code = t.commodity_code "
                   "WHERE t.onetsoc_code = '11-1011.00' AND t.example = 'Adobe Acrobat'") ==
        std::vector<std::string>{"43232202\tDocument management software\tY\tN"});
  CHECK(query_count(*s, "SELECT COUNT(*) FROM technology_skills WHERE onetsoc_code = '15-1252.00'") == 425);
  CHECK(query_rows(*s,
                   "SELECT category, data_value, n, standard_error, lower_ci_bound, upper_ci_bound, "
                   "recommend_suppress, date_updated, domain_source FROM ete_ratings WHERE onetsoc_code = "
                   "'11-1011.00' AND element_id = '2.D.1' AND scale_id = 'RL' AND category IN (1, 2) "
                   "ORDER BY category") ==
        std::vector<std::string>{"1\t0.0000\t28\t0.0000\tNULL\tNULL\tN\t08/2023\tIncumbent",
                                 "2\t4.4600\t28\t4.1428\t0.6307\t25.5524\tN\t08/2023\tIncumbent"});
  CHECK(query_rows(*s,
                   "SELECT category, data_value, n, standard_error FROM ete_ratings WHERE onetsoc_code = "
                   "'11-1011.00' AND element_id = '2.D.4.a' AND scale_id = 'IM'") ==
        std::vector<std::string>{"NULL\t3.0100\t28\t0.2773"});
  CHECK(query_rows(*s,
                   "SELECT category_description FROM ete_categories WHERE element_id = '2.D.1' AND scale_id = "
                   "'RL' AND category = 6") == std::vector<std::string>{"Bachelor's Degree"});
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
  auto report = run_repo_pipeline("sample.yaml",
                                  {"nodes.source.params.location=" + testing_support::repo_path("tests/fixtures/onet_mini"),
                                   "nodes.load.params.database=" + url, "nodes.validate.params.rejects_path=" + rejects_path});
  INFO(report.error);
  REQUIRE(report.ok);
  auto s = sqldb::open_session(sqldb::DatabaseUrl::parse(url));
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupations") == 8);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM content_elements") == 29);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM scales") == 7);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings") == 96 + 40);
  CHECK(value_of(*s, "15-9901.00", "2.B.3.e") == std::vector<std::string>{"IM\t4.7500", "LV\t5.1200"});
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings WHERE onetsoc_code = '47-9901.00'") == 0);
  CHECK(query_rows(*s, "SELECT status, onet_release FROM load_runs") == std::vector<std::string>{"completed\t0.0-mini"});
  // The descriptive tables of the fixture (tests/fixtures/onet_mini/README.md).
  CHECK(query_rows(*s,
                   "SELECT task_statements, alternate_titles, reported_titles, job_zones, job_zone_reference, "
                   "level_scale_anchors, technology_skills, technology_commodities, ete_ratings, ete_categories "
                   "FROM load_runs") == std::vector<std::string>{"12\t12\t7\t7\t5\t9\t12\t7\t21\t6"});
  const auto snap = snapshot(*s);
  for (const auto& [rows, n] : std::vector<std::pair<const std::vector<std::string>*, std::size_t>>{{&snap.tasks, 12},
                                                                                                    {&snap.alternate_titles, 12},
                                                                                                    {&snap.reported_titles, 7},
                                                                                                    {&snap.job_zones, 7},
                                                                                                    {&snap.job_zone_reference, 5},
                                                                                                    {&snap.anchors, 9},
                                                                                                    {&snap.technologies, 12},
                                                                                                    {&snap.commodities, 7},
                                                                                                    {&snap.ete, 21},
                                                                                                    {&snap.ete_categories, 6}}) {
    CHECK(rows->size() == n);
  }
  CHECK(query_rows(*s, "SELECT task_type, incumbents_responding FROM task_statements WHERE task_id = 90041") ==
        std::vector<std::string>{"NULL\tNULL"});
  CHECK(query_rows(*s,
                   "SELECT short_title FROM alternate_titles WHERE onetsoc_code = '15-9901.00' AND "
                   "alternate_title = 'Quantum Formula Developer (QFD)' ORDER BY short_title") ==
        std::vector<std::string>{"NULL", "QFD"});
  CHECK(query_rows(*s,
                   "SELECT z.job_zone, r.name FROM job_zones z JOIN job_zone_reference r ON r.job_zone = "
                   "z.job_zone WHERE z.onetsoc_code = '47-9901.00'") ==
        std::vector<std::string>{"1\tJob Zone One: Hardly Any Preparation"});
  CHECK(query_rows(*s,
                   "SELECT category, data_value FROM ete_ratings WHERE onetsoc_code = '15-9901.00' AND "
                   "scale_id = 'RL' ORDER BY data_value DESC, category") ==
        std::vector<std::string>{"5\t64.3000", "4\t17.9000", "6\t10.7000", "3\t7.1000", "1\t0.0000", "2\t0.0000"});
  CHECK(query_count(*s, "SELECT COUNT(*) FROM ete_ratings WHERE category IS NULL") == 3);
  CHECK(query_rows(*s, "SELECT hot_technology, in_demand FROM technology_skills WHERE example = 'QuantumCalc'") ==
        std::vector<std::string>{"Y\tY"});
}

void scenario_descriptive_bad_inputs(const std::string& url, const std::string& rejects_path) {
  namespace fs = std::filesystem;
  testing_support::TempDir tmp("etl-desc-bad");
  const auto release = tmp / "release";
  fs::copy(testing_support::repo_path("tests/fixtures/onet_mini"), release);
  auto run = [&] {
    return run_repo_pipeline("sample.yaml",
                             {"nodes.source.params.location=" + release.string(), "nodes.load.params.database=" + url,
                              "nodes.validate.params.rejects_path=" + rejects_path});
  };
  auto first = run();
  INFO(first.error);
  REQUIRE(first.ok);
  auto s = sqldb::open_session(sqldb::DatabaseUrl::parse(url));
  const auto before = snapshot(*s);
  REQUIRE_FALSE(before.ete.empty());

  const auto cases = onettest::descriptive_bad_inputs();
  REQUIRE(cases.size() == 36);
  std::size_t failed_runs = 0;
  for (const auto& c : cases) {
    INFO(c.table << ": " << c.kind);
    const fs::path file = release / onet::file_name_of(c.table);
    const std::string good = testing_support::read_file(file);
    testing_support::write_file(file, c.content);
    auto report = run();
    testing_support::write_file(file, good);
    CHECK_FALSE(report.ok);
    CHECK_THAT(report.error, Catch::Contains(c.problem));  // names file:line
    CHECK(report.failed_node == (c.from_reader ? c.node : std::string("validate")));
    failed_runs += !report.ok;
    CHECK(snapshot(*s) == before);  // the previous dataset, untouched
  }
  CHECK(query_count(*s, "SELECT COUNT(*) FROM load_runs WHERE status = 'failed'") == static_cast<long long>(failed_runs));
  CHECK(query_count(*s, "SELECT COUNT(*) FROM load_runs WHERE status = 'completed'") == 1);
}

}  // namespace sqltest
