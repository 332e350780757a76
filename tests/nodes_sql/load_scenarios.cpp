#include "tests/nodes_sql/load_scenarios.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include "engine/pipeline.hpp"
#include "nodes/sql/database.hpp"
#include "tests/nodes_sql/db_snapshot.hpp"
#include "tests/nodes_sql/test_dataset.hpp"

namespace sqltest {
namespace {

std::unique_ptr<soci::session> session_for(const std::string& url) { return sqldb::open_session(sqldb::DatabaseUrl::parse(url)); }

double rating_value(soci::session& s, const std::string& code, const std::string& element, const std::string& scale) {
  double v = -1;
  soci::indicator ind = soci::i_null;
  s << "SELECT data_value FROM occupation_ratings WHERE onetsoc_code = :c AND element_id = :e "
       "AND scale_id = :s",
      soci::use(code), soci::use(element), soci::use(scale), soci::into(v, ind);
  REQUIRE(s.got_data());
  return v;
}

// The newest load_runs row: status, message, release.
struct RunRow {
  long long run_id = -1;
  std::string status, message, release, source, checksum, finished_at, pipeline;
  long long occupations = 0, elements = 0, scales = 0, ratings = 0;
};

RunRow last_run(soci::session& s) {
  auto rows = query_rows(s,
                         "SELECT run_id, status, COALESCE(message, ''), onet_release, source, "
                         "COALESCE(source_checksum, 'NULL'), COALESCE(finished_at, 'NULL'), "
                         "pipeline, occupations, elements, scales, ratings "
                         "FROM load_runs ORDER BY run_id DESC");
  REQUIRE_FALSE(rows.empty());
  RunRow r;
  std::vector<std::string> f;
  std::size_t start = 0;
  const std::string& line = rows.front();
  for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
    f.push_back(line.substr(start, tab - start));
  }
  f.push_back(line.substr(start));
  REQUIRE(f.size() == 12);
  r.run_id = std::stoll(f[0]);
  r.status = f[1];
  r.message = f[2];
  r.release = f[3];
  r.source = f[4];
  r.checksum = f[5];
  r.finished_at = f[6];
  r.pipeline = f[7];
  r.occupations = std::stoll(f[8]);
  r.elements = std::stoll(f[9]);
  r.scales = std::stoll(f[10]);
  r.ratings = std::stoll(f[11]);
  return r;
}

void require_counts(soci::session& s, const Expected& e) {
  CHECK(query_count(s, "SELECT COUNT(*) FROM occupations") == e.occupations);
  CHECK(query_count(s, "SELECT COUNT(*) FROM content_elements") == e.elements);
  CHECK(query_count(s, "SELECT COUNT(*) FROM scales") == e.scales);
  CHECK(query_count(s, "SELECT COUNT(*) FROM occupation_ratings") == e.ratings);
}

const dag::NodeStats& node_stats(const dag::RunReport& r, const std::string& id) {
  auto it = std::find_if(r.nodes.begin(), r.nodes.end(), [&](const auto& n) { return n.id == id; });
  REQUIRE(it != r.nodes.end());
  return *it;
}

class NullEmitter final : public dag::Emitter {
 public:
  void emit(std::size_t, dag::BatchPtr) override {}
  std::uint64_t key() const override { return 0; }
  bool cancelled() const override { return false; }
};

// A sql_load node built by the registry's factory and driven by hand, to look at the database
// between its steps.
struct DrivenLoad {
  std::unique_ptr<dag::Registry> registry = make_registry();
  dag::Params params;
  dag::Settings settings;
  dag::Resources resources;
  std::unique_ptr<dag::Node> node;
  NullEmitter out;

  explicit DrivenLoad(const std::string& url, std::int64_t batch_rows = 2) {
    params.set("database", url);
    params.set("batch_rows", batch_rows);
    params.set("keep_api_rows", true);
    params.set("mysql_insert", std::string("array"));
    dag::NodeContext ctx{"load", "sql_load", params, settings, resources, nullptr, dag::SourcePos{"driven.yaml", 1, 1}, 1};
    node = registry->find("sql_load")->factory(ctx);
  }
};

}  // namespace

std::string load_yaml(const std::string& url, const std::string& variant, const std::string& load_params,
                      const std::string& source_params, const std::string& extra_nodes) {
  return "name: t\n"
         "nodes:\n"
         "  - id: src\n"
         "    type: test_onet_source\n"
         "    params:\n"
         "      variant: " +
         variant + "\n" + source_params +
         "  - id: load\n"
         "    type: sql_load\n"
         "    inputs: [src]\n"
         "    params:\n"
         "      database: '" +
         url + "'\n" + load_params + extra_nodes;
}

dag::RunReport run_yaml(const std::string& yaml, const dag::Registry& registry, const dag::RunOptions& opts) {
  dag::LoadOptions lo;
  lo.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto doc = dag::parse_pipeline_doc(yaml, "test-pipeline.yaml", lo);
  auto p = dag::resolve_pipeline(doc, registry, lo);
  dag::Resources res;
  return dag::run_pipeline(p, registry, res, opts);
}

dag::RunReport load_ok(const std::string& url, const std::string& variant, const std::string& load_params) {
  return load_ok_with(url, variant, load_params, "");
}

dag::RunReport load_ok_with(const std::string& url, const std::string& variant, const std::string& load_params,
                            const std::string& source_params) {
  auto reg = make_registry();
  auto report = run_yaml(load_yaml(url, variant, load_params, source_params), *reg);
  INFO(report.error);
  REQUIRE(report.ok);
  return report;
}

void load_by_hand(const std::string& url, const std::string& variant) {
  DrivenLoad d(url, 1000);
  for (const auto& b : make_dataset(variant, 1000)) d.node->consume({0, 0}, b, d.out);
  d.node->finish(d.out);
  d.node->commit();
}

void scenario_schema_idempotent(const std::string& url) {
  auto u = sqldb::DatabaseUrl::parse(url);
  auto s = sqldb::open_session(u);
  CHECK(sqldb::schema_version(*s, u.dialect) == 0);
  sqldb::ensure_schema(*s, u.dialect);
  sqldb::ensure_schema(*s, u.dialect);
  CHECK(sqldb::schema_version(*s, u.dialect) == sqldb::kSchemaVersion);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM schema_version") == 1);
  for (const char* t : {"load_runs", "scales", "content_elements", "occupations", "occupation_ratings", "llm_assessments",
                        "task_statements", "alternate_titles", "reported_titles", "job_zones", "job_zone_reference",
                        "level_scale_anchors", "technology_skills", "technology_commodities", "ete_ratings", "ete_categories"}) {
    INFO(t);
    CHECK(query_count(*s, std::string("SELECT COUNT(*) FROM ") + t) == 0);
  }
  // A fresh session on the same database sees the schema and changes nothing.
  auto s2 = sqldb::open_session(u);
  sqldb::ensure_schema(*s2, u.dialect);
  CHECK(query_count(*s2, "SELECT COUNT(*) FROM schema_version") == 1);

  // A database written by a newer program is refused, not silently used.
  *s << "INSERT INTO schema_version (version, applied_at) VALUES (99, 'later')";
  REQUIRE_THROWS_WITH(sqldb::ensure_schema(*s, u.dialect), Catch::Contains("schema version 99") && Catch::Contains("newer"));
  *s << "DELETE FROM schema_version WHERE version = 99";
}

void scenario_load_and_reload(const std::string& url) {
  auto r1 = load_ok(url, "v1", "      batch_rows: 3\n");
  auto s = session_for(url);
  require_counts(*s, expected_counts("v1"));

  CHECK(rating_value(*s, "15-1251.00", "2.B.3.e", "IM") == Approx(4.75));
  CHECK(rating_value(*s, "15-1251.00", "2.B.3.e", "LV") == Approx(4.88));
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings WHERE onetsoc_code = '15-1252.00'") == 0);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupations WHERE onetsoc_code = '15-1252.00'") == 1);
  // n/a statistics are NULL; flags as published.
  CHECK(query_count(*s,
                    "SELECT COUNT(*) FROM occupation_ratings WHERE onetsoc_code = '29-1141.00' "
                    "AND n IS NULL AND standard_error IS NULL AND lower_ci_bound IS NULL "
                    "AND recommend_suppress IS NULL") == 6);
  CHECK(query_count(*s,
                    "SELECT COUNT(*) FROM occupation_ratings WHERE scale_id = 'IM' "
                    "AND not_relevant IS NOT NULL") == 0);
  CHECK(query_rows(*s,
                   "SELECT not_relevant FROM occupation_ratings WHERE onetsoc_code = "
                   "'11-1011.00' AND element_id = '2.B.3.e' AND scale_id = 'LV'") == std::vector<std::string>{"Y"});
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings WHERE recommend_suppress = 'Y'") == 1);
  CHECK(query_rows(*s,
                   "SELECT n, standard_error, date_updated, domain_source FROM "
                   "occupation_ratings WHERE onetsoc_code = '15-1251.00' AND element_id = "
                   "'2.B.3.e' AND scale_id = 'IM'") == std::vector<std::string>{"8\t0.1250\t08/2023\tAnalyst"});
  CHECK(query_rows(*s, "SELECT element_id, domain FROM content_elements ORDER BY element_id") ==
        std::vector<std::string>{"1.A\tabilities", "1.A.1.a.1\tabilities", "2.A\tskills", "2.A.1.a\tskills", "2.B.3.e\tskills",
                                 "2.C.3.a\tknowledge", "4.A.1.a.1\tother"});
  CHECK(query_count(*s,
                    "SELECT COUNT(*) FROM occupation_ratings WHERE value_source <> 'file' "
                    "OR llm_value IS NOT NULL OR refined_value IS NOT NULL") == 0);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupations WHERE source <> 'file'") == 0);

  auto run1 = last_run(*s);
  CHECK(run1.status == "completed");
  CHECK(run1.release == "test-v1");
  CHECK(run1.source == "memory:v1");
  CHECK(run1.checksum == "checksum-v1");
  CHECK(run1.pipeline == "test-pipeline.yaml");
  CHECK(run1.finished_at != "NULL");
  CHECK(run1.occupations == 4);
  CHECK(run1.elements == 7);
  CHECK(run1.scales == 2);
  CHECK(run1.ratings == 18);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings WHERE load_run_id = " + std::to_string(run1.run_id)) == 18);
  const auto& stats = node_stats(r1, "load");
  CHECK(stats.counters.at("occupations") == 4);
  CHECK(stats.counters.at("ratings") == 18);
  CHECK(stats.counters.at("load_run_id") == run1.run_id);
  CHECK(stats.rows_in == 4 + 7 + 2 + 18 + 1);  // + the release batch (one row)

  const auto snap1 = snapshot(*s);
  // The same load again: the same rows, not twice as many; another batch size changes nothing.
  load_ok(url, "v1", "      batch_rows: 1\n");
  CHECK(snapshot(*s) == snap1);
  auto run2 = last_run(*s);
  CHECK(run2.status == "completed");
  CHECK(run2.run_id > run1.run_id);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM load_runs WHERE status = 'completed'") == 2);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings WHERE load_run_id = " + std::to_string(run2.run_id)) == 18);

  // A different release replaces the old one entirely.
  load_ok(url, "v2");
  require_counts(*s, expected_counts("v2"));
  CHECK(rating_value(*s, "15-1251.00", "2.B.3.e", "IM") == Approx(4.50));
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupations WHERE onetsoc_code = '29-1141.00'") == 0);
  const auto snap2 = snapshot(*s);
  CHECK_FALSE(snap2 == snap1);
  load_ok(url, "v2", "      batch_rows: 7\n");
  CHECK(snapshot(*s) == snap2);
}

void scenario_large_dataset(const std::string& url) {
  load_ok(url, "large");
  auto s = session_for(url);
  require_counts(*s, expected_counts("large"));
  const auto snap = snapshot(*s);
  load_ok(url, "large", "      batch_rows: 777\n");
  CHECK(snapshot(*s) == snap);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings WHERE n IS NULL") == 300 / 5 * 35);
}

void scenario_llm_columns(const std::string& url) {
  load_ok(url, "llm");
  auto s = session_for(url);
  require_counts(*s, expected_counts("llm"));
  CHECK(query_rows(*s,
                   "SELECT data_value, llm_value, refined_value, value_source FROM "
                   "occupation_ratings WHERE onetsoc_code = '15-1251.00' AND element_id = "
                   "'2.B.3.e' ORDER BY scale_id") ==
        std::vector<std::string>{"4.7500\t4.8750\t4.8125\tfile", "4.8800\t5.0050\t4.9425\tfile"});
  // O*NET does not rate 15-1252.00: the LLM's row has no O*NET value.
  CHECK(query_rows(*s,
                   "SELECT scale_id, data_value, llm_value, refined_value, value_source FROM "
                   "occupation_ratings WHERE onetsoc_code = '15-1252.00'") ==
        std::vector<std::string>{"LV\tNULL\t4.2500\t4.2500\tllm"});
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings WHERE llm_value IS NULL") == 19 - 5);
}

void scenario_failure_elsewhere_commits_nothing(const std::string& url) {
  load_ok(url, "v1");
  auto s = session_for(url);
  const auto before = snapshot(*s);
  auto reg = make_registry();

  const std::string boom =
      "  - id: boom\n"
      "    type: test_failing_source\n"
      "    params: {delay_ms: DELAY}\n"
      "  - id: sink\n"
      "    type: discard\n"
      "    inputs: [boom]\n";
  SECTION("a node elsewhere fails at once") {
    auto yaml = load_yaml(url, "v2", "", "", boom);
    yaml.replace(yaml.find("DELAY"), 5, "0");
    auto report = run_yaml(yaml, *reg);
    REQUIRE_FALSE(report.ok);
    CHECK(report.failed_node == "boom");
    CHECK(snapshot(*s) == before);
    auto run = last_run(*s);
    CHECK(run.status == "failed");
    CHECK(run.message == "the run failed in another node; nothing was loaded");
  }
  SECTION("a node elsewhere fails after the load staged everything") {
    // boom waits until sql_load has finished (its whole transaction written, not committed).
    std::atomic<bool> load_done{false};
    dag::RunOptions opts;
    opts.progress_interval = std::chrono::milliseconds(5);
    opts.on_node_done = [&](const dag::NodeStats& n) {
      if (n.id == "load" && n.status == dag::NodeStatus::Ok) load_done = true;
    };
    auto yaml = load_yaml(url, "v2", "", "", boom);
    yaml.replace(yaml.find("DELAY"), 5, "300");
    auto reg2 = make_registry();
    // Retry the race a few times rather than sleep long: the failure must come after finish().
    dag::RunReport report;
    for (int attempt = 0; attempt < 5; ++attempt) {
      load_done = false;
      report = run_yaml(yaml, *reg2, opts);
      if (load_done) break;
    }
    REQUIRE(load_done);
    REQUIRE_FALSE(report.ok);
    CHECK(report.failed_node == "boom");
    CHECK(node_stats(report, "load").status == dag::NodeStatus::Ok);
    CHECK(snapshot(*s) == before);
    CHECK(last_run(*s).status == "failed");
  }
  SECTION("the source itself fails midway") {
    auto report = run_yaml(load_yaml(url, "v2", "      batch_rows: 2\n", "      chunk_rows: 2\n      fail_after: 6\n"), *reg);
    REQUIRE_FALSE(report.ok);
    CHECK(report.failed_node == "src");
    CHECK_THAT(report.error, Catch::Contains("fails on purpose"));
    CHECK(snapshot(*s) == before);
    CHECK(last_run(*s).status == "failed");
  }
  CHECK(query_count(*s, "SELECT COUNT(*) FROM load_runs WHERE status = 'completed'") == 1);
}

void scenario_readers_see_old_data_until_commit(const std::string& url) {
  load_ok(url, "v1");
  auto reader = session_for(url);
  const auto before = snapshot(*reader);

  SECTION("commit switches readers to the new data at once") {
    DrivenLoad d(url);
    auto batches = make_dataset("v2", 2);
    for (std::size_t i = 0; i < batches.size(); ++i) {
      d.node->consume({0, 0}, batches[i], d.out);
      if (i == batches.size() / 2) CHECK(snapshot(*reader) == before);
    }
    d.node->finish(d.out);
    // Everything is written, in the load's transaction: a reader still sees the old dataset,
    // through an open session and through a new one, without waiting for the writer.
    auto t0 = std::chrono::steady_clock::now();
    CHECK(snapshot(*reader) == before);
    CHECK(snapshot(url) == before);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
    d.node->commit();
    require_counts(*reader, expected_counts("v2"));
    CHECK(rating_value(*reader, "15-1251.00", "2.B.3.e", "IM") == Approx(4.50));
    CHECK(last_run(*reader).status == "completed");
  }
  SECTION("abort after everything was staged leaves the old data") {
    DrivenLoad d(url);
    for (const auto& b : make_dataset("v2", 2)) d.node->consume({0, 0}, b, d.out);
    d.node->finish(d.out);
    d.node->abort();
    CHECK(snapshot(*reader) == before);
    CHECK(last_run(*reader).status == "failed");
    CHECK(query_count(*reader, "SELECT COUNT(*) FROM load_runs WHERE status = 'completed'") == 1);
  }
}

void scenario_keep_api_rows(const std::string& url) {
  load_ok(url, "v1");
  auto s = session_for(url);
  auto add_api_rows = [&] {
    *s << "INSERT INTO occupations (onetsoc_code, title, description, source) "
          "VALUES ('99-9999.00', 'API Only', 'Fetched from O*NET Web Services', 'onet_api')";
    *s << "INSERT INTO occupation_ratings (onetsoc_code, element_id, scale_id, data_value, "
          "value_source) VALUES ('15-1252.00', '2.B.3.e', 'IM', 3.5, 'onet_api')";
    *s << "INSERT INTO occupation_ratings (onetsoc_code, element_id, scale_id, data_value, "
          "value_source) VALUES ('15-1252.00', '2.B.3.e', 'LV', 3.9, 'onet_api')";
    *s << "INSERT INTO occupation_ratings (onetsoc_code, element_id, scale_id, data_value, "
          "value_source) VALUES ('99-9999.00', '2.A.1.a', 'IM', 2.0, 'onet_api')";
  };
  add_api_rows();

  // v3 now has 15-1252.00 Programming IM itself: the release wins there, the rest survives.
  auto report = load_ok(url, "v3");
  require_counts(*s, {5, 7, 2, 19 + 2});
  CHECK(query_rows(*s,
                   "SELECT scale_id, data_value, value_source FROM occupation_ratings "
                   "WHERE onetsoc_code = '15-1252.00' ORDER BY scale_id") ==
        std::vector<std::string>{"IM\t3.0000\tfile", "LV\t3.9000\tonet_api"});
  CHECK(query_rows(*s, "SELECT source FROM occupations WHERE onetsoc_code = '99-9999.00'") ==
        std::vector<std::string>{"onet_api"});
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings WHERE onetsoc_code = '99-9999.00'") == 1);
  const auto& c = node_stats(report, "load").counters;
  CHECK(c.at("kept_api_occupations") == 1);
  CHECK(c.at("kept_api_ratings") == 2);
  CHECK(last_run(*s).occupations == 5);
  CHECK(last_run(*s).ratings == 21);

  const auto snap = snapshot(*s);
  load_ok(url, "v3");
  CHECK(snapshot(*s) == snap);

  load_ok(url, "v1", "      keep_api_rows: false\n");
  require_counts(*s, expected_counts("v1"));
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupation_ratings WHERE value_source = 'onet_api'") == 0);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM occupations WHERE source = 'onet_api'") == 0);
}

void scenario_ratings_before_parents(const std::string& url) {
  auto reg = make_registry();
  auto report = run_yaml(load_yaml(url, "v1", "      batch_rows: 4\n", "      chunk_rows: 3\n      ratings_first: true\n"), *reg);
  INFO(report.error);
  REQUIRE(report.ok);
  auto s = session_for(url);
  require_counts(*s, expected_counts("v1"));
  CHECK(rating_value(*s, "15-1251.00", "2.B.3.e", "LV") == Approx(4.88));
}

void scenario_refuses_empty_input(const std::string& url) {
  load_ok(url, "v1");
  auto s = session_for(url);
  const auto before = snapshot(*s);
  auto reg = make_registry();
  auto report = run_yaml(load_yaml(url, "empty"), *reg);
  REQUIRE_FALSE(report.ok);
  CHECK(report.failed_node == "load");
  CHECK_THAT(report.error, Catch::Contains("no O*NET table arrived"));
  CHECK(snapshot(*s) == before);
  auto run = last_run(*s);
  CHECK(run.status == "failed");
  CHECK_THAT(run.message, Catch::Contains("no O*NET table arrived"));
}

void scenario_constraint_violation(const std::string& url) {
  load_ok(url, "v1");
  auto s = session_for(url);
  const auto before = snapshot(*s);
  auto reg = make_registry();
  auto report = run_yaml(load_yaml(url, "orphan", "      batch_rows: 5\n"), *reg);
  REQUIRE_FALSE(report.ok);
  CHECK(report.failed_node == "load");
  CHECK_THAT(report.error, Catch::Contains("occupation_ratings") && Catch::Contains("Skills.txt:") &&
                               Catch::Contains("foreign key", Catch::CaseSensitive::No));
  CHECK(snapshot(*s) == before);
  CHECK(last_run(*s).status == "failed");
}

void scenario_descriptive_tables(const std::string& url) {
  // Chunks of 2 rows, children before parents (see test_dataset.hpp), batches of 3.
  auto r1 = load_ok_with(url, "desc", "      batch_rows: 3\n", "      chunk_rows: 2\n");
  auto s = session_for(url);
  require_counts(*s, expected_counts("desc"));
  CHECK(query_count(*s, "SELECT COUNT(*) FROM task_statements") == 3);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM alternate_titles") == 4);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM reported_titles") == 2);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM job_zone_reference") == 2);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM job_zones") == 3);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM level_scale_anchors") == 3);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM technology_skills") == 4);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM technology_commodities") == 2);  // one row per code
  CHECK(query_count(*s, "SELECT COUNT(*) FROM ete_categories") == 3);
  CHECK(query_count(*s, "SELECT COUNT(*) FROM ete_ratings") == 8);

  // Values as given, n/a as NULL, text byte for byte.
  CHECK(query_rows(*s,
                   "SELECT task_id, onetsoc_code, task, task_type, incumbents_responding, date_updated, "
                   "domain_source FROM task_statements ORDER BY task_id") ==
        std::vector<std::string>{
            "16363\t15-1252.00\tAnalyze user needs and software requirements.\tCore\t57.0000\t08/2023\tIncumbent",
            "16364\t15-1252.00\tCaf\xC3\xA9 \"quoted\" 'task' with a back\\slash; DROP TABLE x;--\tSupplemental\t12.5000\t"
            "08/2023\tIncumbent",
            "20001\t29-1141.00\tMonitor patients.\tNULL\tNULL\t08/2022\tAnalyst"});
  CHECK(query_rows(*s,
                   "SELECT alternate_title, short_title, sources FROM alternate_titles WHERE onetsoc_code = "
                   "'29-1141.00' ORDER BY alternate_title, short_title") ==
        std::vector<std::string>{"Registered Nurse (RN)\tRN\t02,03", "Staff Nurse\tNULL\t04", "Staff Nurse\tSN\t04,06"});
  CHECK(query_rows(*s, "SELECT reported_title, shown_in_my_next_move FROM reported_titles ORDER BY reported_title") ==
        std::vector<std::string>{"Application Developer\tN", "Software Developer\tY"});
  CHECK(query_rows(*s,
                   "SELECT z.onetsoc_code, z.job_zone, r.svp_range, z.domain_source FROM job_zones z JOIN "
                   "job_zone_reference r ON r.job_zone = z.job_zone ORDER BY z.onetsoc_code") ==
        std::vector<std::string>{"15-1251.00\t4\t(7.0 to < 8.0)\tAnalyst", "15-1252.00\t4\t(7.0 to < 8.0)\tAnalyst - Preliminary",
                                 "29-1141.00\t3\t(6.0 to < 7.0)\tAnalyst"});
  CHECK(query_rows(*s,
                   "SELECT anchor_value, anchor_description FROM level_scale_anchors WHERE element_id = "
                   "'2.B.3.e' AND scale_id = 'LV' ORDER BY anchor_value") ==
        std::vector<std::string>{"2.0000\tWrite a program to sort objects in a database",
                                 "4.0000\tWrite a statistical analysis program",
                                 "6.0000\tWrite programs to analyze geological data"});
  CHECK(query_rows(*s,
                   "SELECT t.onetsoc_code, t.example, t.commodity_code, c.commodity_title, t.hot_technology, "
                   "t.in_demand FROM technology_skills t JOIN technology_commodities c ON c.commodity_code = "
                   "t.commodity_code ORDER BY t.onetsoc_code, t.example") ==
        std::vector<std::string>{"15-1251.00\tPython\t43232402\tProgram development environment software\tY\tY",
                                 "15-1252.00\tGit\t43232402\tProgram development environment software\tN\tN",
                                 "15-1252.00\tPython\t43232402\tProgram development environment software\tY\tN",
                                 "29-1141.00\tEpic Systems\t43231602\tMedical software\tN\tY"});
  CHECK(query_rows(*s,
                   "SELECT e.element_id, e.scale_id, e.category, c.category_description, e.data_value, e.n, "
                   "e.standard_error, e.recommend_suppress FROM ete_ratings e LEFT JOIN ete_categories c ON "
                   "c.element_id = e.element_id AND c.scale_id = e.scale_id AND c.category = e.category "
                   "WHERE e.onetsoc_code = '15-1251.00' ORDER BY e.element_id, e.category") ==
        std::vector<std::string>{"2.D.1\tRL\t1\tLess than a High School Diploma\t0.0000\t28\t2.5000\tN",
                                 "2.D.1\tRL\t2\tHigh School Diploma\t25.0000\t28\t2.5000\tN",
                                 "2.D.1\tRL\t3\tBachelor's Degree\t75.0000\t28\t2.5000\tN",
                                 "2.D.4.a\tIM\tNULL\tNULL\t1.5000\t28\t2.5000\tN"});
  CHECK(query_count(*s,
                    "SELECT COUNT(*) FROM ete_ratings WHERE onetsoc_code = '15-1252.00' AND "
                    "standard_error IS NULL AND lower_ci_bound IS NULL AND upper_ci_bound IS NULL AND "
                    "recommend_suppress IS NULL AND domain_source = 'Occupational Expert'") == 4);

  // load_runs and the node's counters count every table.
  CHECK(query_rows(*s,
                   "SELECT task_statements, alternate_titles, reported_titles, job_zones, job_zone_reference, "
                   "level_scale_anchors, technology_skills, technology_commodities, ete_ratings, ete_categories "
                   "FROM load_runs ORDER BY run_id DESC") == std::vector<std::string>{"3\t4\t2\t3\t2\t3\t4\t2\t8\t3"});
  const auto& c = node_stats(r1, "load").counters;
  CHECK(c.at("task_statements") == 3);
  CHECK(c.at("technology_commodities") == 2);
  CHECK(c.at("ete_ratings") == 8);
  CHECK(c.at("ete_categories") == 3);

  // Reloading gives the same rows, in any batch size and chunk size.
  const auto snap = snapshot(*s);
  load_ok_with(url, "desc", "      batch_rows: 1000\n", "      chunk_rows: 1000\n");
  CHECK(snapshot(*s) == snap);
  load_ok_with(url, "desc", "      batch_rows: 1\n", "      chunk_rows: 1\n");
  CHECK(snapshot(*s) == snap);

  // A release without the descriptive tables replaces them too (nothing stale is left).
  load_ok(url, "v1");
  for (const char* t : {"task_statements", "alternate_titles", "reported_titles", "job_zones", "job_zone_reference",
                        "level_scale_anchors", "technology_skills", "technology_commodities", "ete_ratings", "ete_categories"}) {
    INFO(t);
    CHECK(query_count(*s, std::string("SELECT COUNT(*) FROM ") + t) == 0);
  }
  CHECK(query_rows(*s, "SELECT task_statements, technology_commodities FROM load_runs ORDER BY run_id DESC") ==
        std::vector<std::string>{"0\t0", "3\t2", "3\t2", "3\t2"});
}

void scenario_descriptive_constraint_violation(const std::string& url) {
  load_ok_with(url, "desc", "", "");
  auto s = session_for(url);
  const auto before = snapshot(*s);
  auto reg = make_registry();
  auto report = run_yaml(load_yaml(url, "desc_orphan", "      batch_rows: 2\n"), *reg);
  REQUIRE_FALSE(report.ok);
  CHECK(report.failed_node == "load");
  CHECK_THAT(report.error, Catch::Contains("job_zones") && Catch::Contains("Job Zones.txt:") &&
                               Catch::Contains("foreign key", Catch::CaseSensitive::No));
  CHECK(snapshot(*s) == before);
  CHECK(last_run(*s).status == "failed");
}

void scenario_migrates_v1(const std::string& url) {
  auto u = sqldb::DatabaseUrl::parse(url);
  auto s = sqldb::open_session(u);
  // The version-1 load_runs and schema_version, as schema/*.sql had them, with one run recorded.
  const bool lite = u.dialect == sqldb::Dialect::SQLite;
  *s << std::string(lite ? "CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL)"
                         : "CREATE TABLE schema_version (version INT NOT NULL PRIMARY KEY, applied_at VARCHAR(32) NOT "
                           "NULL) ENGINE=InnoDB");
  *s << std::string(
      lite ? "CREATE TABLE load_runs (run_id INTEGER PRIMARY KEY AUTOINCREMENT, pipeline TEXT NOT NULL, "
             "onet_release TEXT NOT NULL, source TEXT NOT NULL, source_checksum TEXT, started_at TEXT NOT NULL, "
             "finished_at TEXT, status TEXT NOT NULL CHECK (status IN ('running','completed','failed')), "
             "occupations INTEGER NOT NULL DEFAULT 0, elements INTEGER NOT NULL DEFAULT 0, scales INTEGER NOT NULL "
             "DEFAULT 0, ratings INTEGER NOT NULL DEFAULT 0, rejected INTEGER NOT NULL DEFAULT 0, llm_summary TEXT, "
             "message TEXT)"
           : "CREATE TABLE load_runs (run_id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, pipeline VARCHAR(255) NOT "
             "NULL, onet_release VARCHAR(32) NOT NULL, source VARCHAR(1024) NOT NULL, source_checksum VARCHAR(128), "
             "started_at VARCHAR(32) NOT NULL, finished_at VARCHAR(32), status VARCHAR(16) NOT NULL, occupations INT "
             "NOT NULL DEFAULT 0, elements INT NOT NULL DEFAULT 0, scales INT NOT NULL DEFAULT 0, ratings INT NOT "
             "NULL DEFAULT 0, rejected INT NOT NULL DEFAULT 0, llm_summary TEXT, message TEXT) ENGINE=InnoDB");
  *s << "INSERT INTO schema_version (version, applied_at) VALUES (1, '2025-01-01T00:00:00Z')";
  *s << "INSERT INTO load_runs (pipeline, onet_release, source, started_at, status, occupations) "
        "VALUES ('full.yaml', '29.1', 'old', '2025-01-01T00:00:00Z', 'completed', 1016)";
  // A migration cut short after its first column (MySQL commits each ALTER on its own).
  *s << std::string("ALTER TABLE load_runs ADD COLUMN task_statements ") + (lite ? "INTEGER" : "INT") + " NOT NULL DEFAULT 0";
  REQUIRE(sqldb::schema_version(*s, u.dialect) == 1);

  sqldb::ensure_schema(*s, u.dialect);
  CHECK(sqldb::schema_version(*s, u.dialect) == 2);
  CHECK(query_rows(*s, "SELECT version FROM schema_version ORDER BY version") == std::vector<std::string>{"1", "2"});
  // The old run keeps its figures; the new counts start at 0.
  CHECK(query_rows(*s, "SELECT onet_release, occupations, task_statements, ete_categories FROM load_runs") ==
        std::vector<std::string>{"29.1\t1016\t0\t0"});
  sqldb::ensure_schema(*s, u.dialect);  // idempotent
  CHECK(query_count(*s, "SELECT COUNT(*) FROM schema_version") == 2);

  // The migrated database takes a full load.
  load_ok_with(url, "desc", "", "");
  CHECK(query_rows(*s, "SELECT task_statements, ete_ratings FROM load_runs ORDER BY run_id DESC") ==
        std::vector<std::string>{"3\t8", "0\t0"});
}

}  // namespace sqltest

namespace sqltest {

void scenario_killed_loader_keeps_old_data(const std::string& url) {
  // Nothing before the fork may start worker threads (the child would inherit their locks but
  // not the threads): the first dataset is loaded by hand and every session is closed again.
  load_by_hand(url, "v1");
  const auto before = snapshot(url);

  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    std::atomic<bool> told{false};
    dag::RunOptions opts;
    opts.progress_interval = std::chrono::milliseconds(10);
    opts.on_progress = [&](const std::vector<dag::NodeStats>& nodes) {
      for (const auto& n : nodes) {
        auto it = n.counters.find("ratings");
        if (n.id == "load" && it != n.counters.end() && it->second > 0 && !told.exchange(true)) {
          [[maybe_unused]] auto w = write(fds[1], "x", 1);
        }
      }
    };
    try {
      auto reg = make_registry();
      run_yaml(load_yaml(url, "large", "      batch_rows: 500\n", "      chunk_rows: 500\n      delay_ms: 40\n"), *reg, opts);
    } catch (...) {
    }
    _exit(0);  // reached only when the parent did not kill it in time
  }
  close(fds[1]);
  char c = 0;
  const auto got = read(fds[0], &c, 1);  // the child has written rating rows, uncommitted
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  close(fds[0]);
  REQUIRE(got == 1);
  REQUIRE(WIFSIGNALED(status));

  CHECK(snapshot(url) == before);
  // Its locks are gone with it: the next load runs and commits.
  load_ok(url, "v2");
  auto s = session_for(url);
  require_counts(*s, expected_counts("v2"));
}

}  // namespace sqltest
