// pipelines/sample.yaml and pipelines/full.yaml (real O*NET 29.2) into SQLite.
#include <catch2/catch.hpp>

#include "support/test_support.hpp"
#include "tests/nodes_sql/etl_scenarios.hpp"

TEST_CASE("sqlite: pipelines/sample.yaml loads the fixture release", "[sql][sqlite][etl]") {
  testing_support::TempDir dir("etl-sample");
  sqltest::scenario_sample_pipeline("sqlite:" + (dir / "sample.db").string(),
                                    (dir / "rejects.tsv").string());
}

TEST_CASE("sqlite: pipelines/full.yaml loads the real O*NET 29.2 release", "[sql][sqlite][etl][real]") {
  testing_support::TempDir dir("etl-real");
  sqltest::scenario_real_release("sqlite:" + (dir / "onet.db").string(), (dir / "rejects.tsv").string());
}
