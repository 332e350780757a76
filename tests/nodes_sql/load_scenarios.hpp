#pragma once
// The load tests, written once and run against SQLite (sqlite_load_test.cpp) and MariaDB
// (mariadb_load_test.cpp). Each takes the URL of an empty database of its own.
#include <string>

#include "engine/runner.hpp"

namespace sqltest {

// name: t / nodes: src (test_onet_source) -> load (sql_load) [+ extra nodes], as YAML text.
std::string load_yaml(const std::string& url, const std::string& variant, const std::string& load_params = "",
                      const std::string& source_params = "", const std::string& extra_nodes = "");
dag::RunReport run_yaml(const std::string& yaml, const dag::Registry& registry, const dag::RunOptions& opts = {});
// Runs load_yaml(...) with a fresh test registry and REQUIREs success.
dag::RunReport load_ok(const std::string& url, const std::string& variant, const std::string& load_params = "");
dag::RunReport load_ok_with(const std::string& url, const std::string& variant, const std::string& load_params,
                            const std::string& source_params);

// Loads a dataset by driving sql_load by hand (no engine, hence no worker threads).
void load_by_hand(const std::string& url, const std::string& variant);

void scenario_schema_idempotent(const std::string& url);
void scenario_load_and_reload(const std::string& url);
void scenario_large_dataset(const std::string& url);
void scenario_llm_columns(const std::string& url);
void scenario_failure_elsewhere_commits_nothing(const std::string& url);
void scenario_readers_see_old_data_until_commit(const std::string& url);
void scenario_keep_api_rows(const std::string& url);
void scenario_ratings_before_parents(const std::string& url);
void scenario_refuses_empty_input(const std::string& url);
void scenario_constraint_violation(const std::string& url);
// The descriptive tables (schema version 2): stored, held back until their parents are in,
// reloaded identically, replaced by a release without them; a foreign-key violation in one of
// them keeps the old data; a version-1 database is migrated.
void scenario_descriptive_tables(const std::string& url);
void scenario_descriptive_constraint_violation(const std::string& url);
void scenario_migrates_v1(const std::string& url);
// Forks: the child runs a slow load and is SIGKILLed once it has written rows.
void scenario_killed_loader_keeps_old_data(const std::string& url);

}  // namespace sqltest
