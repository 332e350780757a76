#include "llm_test_util.hpp"

#include <fstream>

#include <soci/soci.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "engine/pipeline.hpp"
#include "engine/registry.hpp"
#include "nodes/onet/table_parser.hpp"
#include "nodes/sql/database.hpp"
#include "support/test_support.hpp"

namespace dag {
void register_onet_nodes(Registry& r);
void register_sql_nodes(Registry& r);
void register_estimate_nodes(Registry& r);
void register_llm_nodes(Registry& r);
}  // namespace dag

namespace llmtest {

namespace {

std::string fixture(const std::string& file) {
  return testing_support::read_file(testing_support::repo_path("tests/fixtures/onet_mini/" + file + ".txt"));
}

}  // namespace

std::vector<std::shared_ptr<const onet::TableBatch>> mini_tables() {
  std::vector<std::shared_ptr<const onet::TableBatch>> out;
  for (const char* t : {"Occupation Data", "Content Model Reference", "Scales Reference", "Skills"}) {
    out.push_back(onet::parse_table(fixture(t), t));
  }
  return out;
}

std::map<std::pair<std::string, std::string>, double> read_lv(const std::string& skills_file) {
  auto t = onet::parse_table(testing_support::read_file(skills_file), "Skills");
  std::map<std::pair<std::string, std::string>, double> out;
  for (const auto& r : t->ratings) {
    if (r.scale_id == "LV") out[{r.code, r.element_id}] = r.value;
  }
  return out;
}

std::map<std::pair<std::string, std::string>, double> mini_lv() {
  return read_lv(testing_support::repo_path("tests/fixtures/onet_mini/Skills.txt"));
}

std::unique_ptr<dag::Registry> full_registry() {
  auto r = std::make_unique<dag::Registry>();
  dag::register_engine_nodes(*r);
  dag::register_onet_nodes(*r);
  dag::register_sql_nodes(*r);
  dag::register_estimate_nodes(*r);  // text_estimate sits in the pipelines
  dag::register_llm_nodes(*r);
  return r;
}

dag::RunReport run_pipeline_file(const std::string& file, const std::vector<std::string>& overrides,
                                 const std::map<std::string, std::string>& env) {
  auto registry = full_registry();
  dag::LoadOptions lo;
  lo.overrides = overrides;
  lo.env = [env](const std::string& k) -> std::optional<std::string> {
    auto it = env.find(k);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  auto p = dag::load_pipeline(testing_support::repo_path("pipelines/" + file), *registry, lo);
  dag::Resources res;
  return dag::run_pipeline(p, *registry, res);
}

std::vector<std::string> llm_overrides(const std::string& provider, const std::string& base_url, const std::string& db_url,
                                       const std::string& key) {
  return {"nodes.llm.params.provider=" + provider,
          "nodes.llm.params.base_url=" + base_url,
          "nodes.llm.params.model=fake-model-1",
          "nodes.llm.params.api_key=" + key,
          "nodes.llm.params.cache=" + db_url,
          "nodes.llm.params.concurrency=3",
          "nodes.llm.params.rpm=0",
          "nodes.llm.params.backoff_ms=1",
          "nodes.llm.params.timeout_s=5",
          "nodes.llm.params.progress_s=0.2",
          "nodes.load.params.database=" + db_url};
}

std::vector<std::vector<std::string>> query(const std::string& db_url, const std::string& sql) {
  auto url = sqldb::DatabaseUrl::parse(db_url);
  sqldb::SessionOptions so;
  so.create_parent_dir = false;
  auto s = sqldb::open_session(url, so);
  std::vector<std::vector<std::string>> out;
  soci::rowset<soci::row> rs = (s->prepare << sql);
  for (const auto& row : rs) {
    std::vector<std::string> r;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (row.get_indicator(i) == soci::i_null) {
        r.emplace_back();
        continue;
      }
      switch (row.get_properties(i).get_data_type()) {
        case soci::dt_string:
          r.push_back(row.get<std::string>(i));
          break;
        case soci::dt_double: {
          std::ostringstream o;
          o.precision(17);
          o << row.get<double>(i);
          r.push_back(o.str());
          break;
        }
        case soci::dt_integer:
          r.push_back(std::to_string(row.get<int>(i)));
          break;
        case soci::dt_long_long:
          r.push_back(std::to_string(row.get<long long>(i)));
          break;
        case soci::dt_unsigned_long_long:
          r.push_back(std::to_string(row.get<unsigned long long>(i)));
          break;
        default:
          r.push_back("?");
          break;
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string scalar(const std::string& db_url, const std::string& sql) {
  auto rows = query(db_url, sql);
  return rows.empty() || rows[0].empty() ? std::string() : rows[0][0];
}

LogCapture::LogCapture() : out_(std::make_shared<std::ostringstream>()), previous_(spdlog::default_logger()) {
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*out_);
  auto logger = std::make_shared<spdlog::logger>("test", sink);
  logger->set_level(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

LogCapture::~LogCapture() { spdlog::set_default_logger(previous_); }

std::string LogCapture::text() const {
  spdlog::default_logger()->flush();
  return out_->str();
}

}  // namespace llmtest
