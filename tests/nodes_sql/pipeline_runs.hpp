#pragma once
// The repository's own pipeline files (pipelines/*.yaml) run through the real engine with the
// O*NET and SQL node types, pointed at a test database by --set style overrides.
#include <string>
#include <vector>

#include "engine/runner.hpp"

namespace sqltest {

// A registry with the engine's nodes, the O*NET nodes, llm_enrich and sql_load.
std::unique_ptr<dag::Registry> make_etl_registry();

// Runs pipelines/<file> with the given overrides (e.g. "nodes.load.params.database=...");
// the environment is not consulted, so a developer's DATABASE_URL cannot leak in.
dag::RunReport run_repo_pipeline(const std::string& file, const std::vector<std::string>& overrides);

}  // namespace sqltest
