#include "gap_test_db.hpp"

#include <stdexcept>

#include <soci/soci.h>

#include "support/test_support.hpp"
#include "engine/pipeline.hpp"
#include "engine/registry.hpp"
#include "engine/runner.hpp"
#include "nodes/sql/database.hpp"

namespace gaptest {

void run_load(const std::string& pipeline, const std::string& db_url, const std::filesystem::path& work_dir,
              const std::vector<std::string>& overrides) {
  dag::Registry reg;
  dag::register_all_nodes(reg);
  dag::LoadOptions lo;
  lo.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  lo.overrides = {"nodes.load.params.database=" + db_url,
                  "nodes.validate.params.rejects_path=" + (work_dir / "rejects.tsv").string()};
  lo.overrides.insert(lo.overrides.end(), overrides.begin(), overrides.end());
  const std::string path = testing_support::repo_path("pipelines/") + pipeline;
  // LLM enrichment, when the pipeline has it, passes the data through and writes nothing else
  // (its default cache would be a database in the repository's data/ folder).
  auto doc = dag::load_pipeline_doc(path, lo);
  if (doc.root.IsMap() && doc.root["nodes"] && doc.root["nodes"].IsSequence()) {
    for (const auto& n : doc.root["nodes"]) {
      if (n.IsMap() && n["type"] && n["type"].as<std::string>() == "llm_enrich" && n["id"]) {
        const auto id = n["id"].as<std::string>();
        lo.overrides.push_back("nodes." + id + ".params.provider=none");
        lo.overrides.push_back("nodes." + id + ".params.cache=none");
      }
    }
  }
  auto p = dag::load_pipeline(path, reg, lo);
  dag::Resources res;
  auto report = dag::run_pipeline(p, reg, res);
  if (!report.ok) throw std::runtime_error("loading " + pipeline + " failed: " + report.error);
}

std::string load_mini_sqlite(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const std::string url = "sqlite:" + (dir / "mini.db").string();
  run_load("sample.yaml", url, dir);
  return url;
}

void exec_sql(const std::string& db_url, const std::vector<std::string>& statements) {
  auto url = sqldb::DatabaseUrl::parse(db_url);
  auto s = sqldb::open_session(url);
  sqldb::ensure_schema(*s, url.dialect);
  for (const auto& st : statements) *s << st;
}

std::vector<std::string> tiny_dataset() {
  auto rating = [](const char* code, const char* el, const char* scale, const char* value, const char* nr) {
    return std::string(
               "INSERT INTO occupation_ratings (onetsoc_code, element_id, scale_id, data_value, not_relevant, "
               "value_source, load_run_id) VALUES ('") +
           code + "', '" + el + "', '" + scale + "', " + value + ", " + nr + ", 'file', 1)";
  };
  return {
      "INSERT INTO load_runs (run_id, pipeline, onet_release, source, started_at, finished_at, status) "
      "VALUES (1, 'test', 't1', 'hand-made', '2025-01-01T00:00:00Z', '2025-01-01T00:00:01Z', 'completed')",
      "INSERT INTO scales (scale_id, scale_name, minimum, maximum) VALUES ('IM', 'Importance', 1, 5)",
      "INSERT INTO scales (scale_id, scale_name, minimum, maximum) VALUES ('LV', 'Level', 0, 7)",
      "INSERT INTO content_elements VALUES ('2.A.1.a', 'Reading Comprehension', 'd', 'skills')",
      "INSERT INTO content_elements VALUES ('2.A.1.b', 'Active Listening', 'd', 'skills')",
      "INSERT INTO content_elements VALUES ('2.A.2.a', 'Critical Thinking', 'd', 'skills')",
      "INSERT INTO content_elements VALUES ('2.B.3.e', 'Programming', 'd', 'skills')",
      "INSERT INTO content_elements VALUES ('2.C.1.a', 'Administration and Management', 'd', 'knowledge')",
      "INSERT INTO occupations (onetsoc_code, title, description, load_run_id) VALUES ('11-0001.00', 'Source Occ', 'src', 1)",
      "INSERT INTO occupations (onetsoc_code, title, description, load_run_id) VALUES ('11-0002.00', 'Target Occ', 'tgt', 1)",
      "INSERT INTO occupations (onetsoc_code, title, description, load_run_id) VALUES ('11-0003.00', 'No Ratings Occ', 'none', "
      "1)",
      rating("11-0001.00", "2.A.1.a", "LV", "3.12", "'N'"),
      rating("11-0001.00", "2.A.1.b", "LV", "4.00", "'N'"),
      rating("11-0001.00", "2.A.1.b", "IM", "3.50", "NULL"),
      rating("11-0001.00", "2.C.1.a", "LV", "1.00", "'N'"),
      rating("11-0002.00", "2.A.1.a", "LV", "4.50", "'N'"),
      rating("11-0002.00", "2.A.1.a", "IM", "4.25", "NULL"),
      rating("11-0002.00", "2.A.1.b", "LV", "4.00", "'N'"),
      rating("11-0002.00", "2.B.3.e", "LV", "2.00", "'Y'"),
      rating("11-0002.00", "2.A.2.a", "LV", "1.25", "'N'"),
      rating("11-0002.00", "2.A.2.a", "IM", "2.00", "NULL"),
  };
}

}  // namespace gaptest
