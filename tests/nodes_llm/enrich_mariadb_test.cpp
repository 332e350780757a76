// llm_enrich into MariaDB (the `mariadb` ctest fixture): the same end-to-end scenario as on
// SQLite — dataset, LLM-only rows, summary, journal with its own session, rerun without calls.
#include <catch2/catch.hpp>

#include "enrich_scenarios.hpp"
#include "tests/mariadb/mariadb_test_support.hpp"

TEST_CASE("mariadb: llm_enrich openai end to end, rerun makes no call", "[llm][mariadb]") {
  mariadb_test::ScratchDatabase db;
  llmtest::scenario_happy_path("openai", db.url());
}

TEST_CASE("mariadb: llm_enrich gemini end to end, rerun makes no call", "[llm][mariadb]") {
  mariadb_test::ScratchDatabase db;
  llmtest::scenario_happy_path("gemini", db.url());
}
