// pipelines/sample.yaml and pipelines/full.yaml (real O*NET 29.2) into MariaDB (fixture).
#include <catch2/catch.hpp>

#include "support/test_support.hpp"
#include "tests/mariadb/mariadb_test_support.hpp"
#include "tests/nodes_sql/etl_scenarios.hpp"

TEST_CASE("mariadb: pipelines/sample.yaml loads the fixture release", "[sql][mariadb][etl]") {
  testing_support::TempDir dir("etl-sample");
  mariadb_test::ScratchDatabase db;
  sqltest::scenario_sample_pipeline(db.url(), (dir / "rejects.tsv").string());
}

TEST_CASE("mariadb: bad descriptive tables fail the run and keep the previous dataset", "[sql][mariadb][etl]") {
  testing_support::TempDir dir("etl-desc-bad");
  mariadb_test::ScratchDatabase db;
  sqltest::scenario_descriptive_bad_inputs(db.url(), (dir / "rejects.tsv").string());
}

TEST_CASE("mariadb: pipelines/full.yaml loads the real O*NET 29.2 release", "[sql][mariadb][etl][real]") {
  testing_support::TempDir dir("etl-real");
  mariadb_test::ScratchDatabase db;
  sqltest::scenario_real_release(db.url(), (dir / "rejects.tsv").string());
}
