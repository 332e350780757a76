#include "tests/nodes_sql/pipeline_runs.hpp"

#include "support/test_support.hpp"
#include "engine/pipeline.hpp"
#include "engine/registry.hpp"

namespace dag {
void register_onet_nodes(Registry& r);
void register_sql_nodes(Registry& r);
void register_estimate_nodes(Registry& r);
void register_llm_nodes(Registry& r);
}  // namespace dag

namespace sqltest {

std::unique_ptr<dag::Registry> make_etl_registry() {
  auto r = std::make_unique<dag::Registry>();
  dag::register_engine_nodes(*r);
  dag::register_onet_nodes(*r);
  dag::register_sql_nodes(*r);
  dag::register_estimate_nodes(*r);  // text_estimate sits in the pipelines
  dag::register_llm_nodes(*r);       // llm_enrich sits in the pipelines (provider none: pass-through)
  return r;
}

dag::RunReport run_repo_pipeline(const std::string& file, const std::vector<std::string>& overrides) {
  auto registry = make_etl_registry();
  dag::LoadOptions lo;
  lo.overrides = overrides;
  lo.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto p = dag::load_pipeline(testing_support::repo_path("pipelines/") + file, *registry, lo);
  dag::Resources res;
  return dag::run_pipeline(p, *registry, res);
}

}  // namespace sqltest
