// sql_load into SQLite through the real engine (scenarios in load_scenarios.cpp).
#include <catch2/catch.hpp>

#include "support/test_support.hpp"
#include "tests/nodes_sql/bulk_insert_scenarios.hpp"
#include "tests/nodes_sql/load_scenarios.hpp"

namespace {

struct SqliteDb {
  testing_support::TempDir dir{"sqlload"};
  std::string url = "sqlite:" + (dir / "sub dir/onet.db").string();  // a space, a missing parent
};

}  // namespace

TEST_CASE("sqlite: schema creation is idempotent", "[sql][sqlite]") {
  SqliteDb db;
  sqltest::scenario_schema_idempotent(db.url);
}

TEST_CASE("sqlite: load, reload the same release, load another", "[sql][sqlite]") {
  SqliteDb db;
  sqltest::scenario_load_and_reload(db.url);
}

TEST_CASE("sqlite: 21,000 ratings in several batches, twice", "[sql][sqlite]") {
  SqliteDb db;
  sqltest::scenario_large_dataset(db.url);
}

TEST_CASE("sqlite: LLM and refined values and LLM-only rows are stored", "[sql][sqlite]") {
  SqliteDb db;
  sqltest::scenario_llm_columns(db.url);
}

TEST_CASE("sqlite: a failure anywhere in the run commits nothing", "[sql][sqlite]") {
  SqliteDb db;
  sqltest::scenario_failure_elsewhere_commits_nothing(db.url);
}

TEST_CASE("sqlite: readers see the previous dataset until commit", "[sql][sqlite]") {
  SqliteDb db;
  sqltest::scenario_readers_see_old_data_until_commit(db.url);
}

TEST_CASE("sqlite: rows from the O*NET API survive a reload unless the release has them", "[sql][sqlite]") {
  SqliteDb db;
  sqltest::scenario_keep_api_rows(db.url);
}

TEST_CASE("sqlite: ratings arriving before their reference tables wait for them", "[sql][sqlite]") {
  SqliteDb db;
  sqltest::scenario_ratings_before_parents(db.url);
}

TEST_CASE("sqlite: an input without tables does not wipe the dataset", "[sql][sqlite]") {
  SqliteDb db;
  sqltest::scenario_refuses_empty_input(db.url);
}

TEST_CASE("sqlite: a foreign-key violation fails the load and keeps the old data", "[sql][sqlite]") {
  SqliteDb db;
  sqltest::scenario_constraint_violation(db.url);
}

TEST_CASE("sqlite: batched inserts return every value exactly", "[sql][sqlite]") {
  SqliteDb db;
  sqltest::scenario_bulk_insert_round_trip(db.url, sqldb::MysqlInsert::ArrayBinding, "SOCI vector binding");
}

TEST_CASE("sqlite: a loader killed mid-way leaves the previous dataset", "[sql][sqlite]") {
  SqliteDb db;
  sqltest::scenario_killed_loader_keeps_old_data(db.url);
}

TEST_CASE("sqlite: the descriptive tables are stored, held for their parents and reloaded identically", "[sql][sqlite]") {
  SqliteDb db;
  sqltest::scenario_descriptive_tables(db.url);
}

TEST_CASE("sqlite: a foreign-key violation in a descriptive table keeps the old data", "[sql][sqlite]") {
  SqliteDb db;
  sqltest::scenario_descriptive_constraint_violation(db.url);
}

TEST_CASE("sqlite: a version-1 database is migrated to version 2", "[sql][sqlite]") {
  SqliteDb db;
  sqltest::scenario_migrates_v1(db.url);
}
