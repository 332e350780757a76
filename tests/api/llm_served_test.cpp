// The LLM issue's promise, end to end: pipelines/sample.yaml enriched by the committed replay
// cassette, loaded into SQLite, served over real HTTP. The fixture's unrated occupation
// 47-9901.00 (Castle Moat Installers) gets a skill gap, marked as model estimates.
#include <catch2/catch.hpp>

#include "llm_test_util.hpp"
#include "support/test_support.hpp"
#include "tests/api/api_test_support.hpp"

TEST_CASE("an occupation O*NET does not rate is served from LLM estimates, marked as such", "[api][llm]") {
  apitest::init_http();
  testing_support::TempDir dir("api-llm");
  const std::string db = "sqlite:" + (dir / "sample.db").string();
  auto run =
      llmtest::run_pipeline_file("sample.yaml", {"nodes.load.params.database=" + db, "nodes.llm.params.cache=" + db},
                                 {{"LLM_PROVIDER", "replay"}, {"LLM_CASSETTE", "tests/fixtures/llm/onet_mini.cassette.jsonl"}});
  INFO(run.error);
  REQUIRE(run.ok);

  apitest::RunningServer srv(apitest::config_for(db));
  // As the target: its required skills are the eight estimated levels (all below this source's).
  auto to = apitest::get(srv.port(), "/skill-gap?from=15-9901.00&to=47-9901.00");
  INFO(to.body);
  REQUIRE(to.status == 200);
  auto tres = to.json()["result"];
  CHECK(tres["to_occupation_title"] == "Castle Moat Installers");
  CHECK(tres["value_source"] == "mixed");  // O*NET's values for the rated source, refined (LLM) for the target
  CHECK(tres["to_value_source"] == "refined");
  CHECK(tres["required_count"] == 8);
  CHECK(tres["to_values_estimated"] == true);
  CHECK(tres["from_values_estimated"] == false);
  CHECK(tres["note"] ==
        "The skill levels of 'Castle Moat Installers' are model estimates (calibrated LLM levels), "
        "not O*NET survey ratings.");

  // As the source: every gap compares against an estimate.
  auto from = apitest::get(srv.port(), "/skill-gap?from=47-9901.00&to=15-9901.00");
  INFO(from.body);
  REQUIRE(from.status == 200);
  auto fres = from.json()["result"];
  CHECK(fres["from_values_estimated"] == true);
  CHECK(fres["to_values_estimated"] == false);
  REQUIRE(fres["skill_gaps"].size() > 0);
  for (const auto& g : fres["skill_gaps"]) {
    CHECK(g["estimated"] == true);
    CHECK(g["from_missing"] == false);
    CHECK(g["from_data_value"].get<double>() >= 0);
    CHECK(g["from_data_value"].get<double>() <= 7);
  }

  // O*NET's own values only: the occupation still has none.
  auto onet = apitest::get(srv.port(), "/skill-gap?from=15-9901.00&to=47-9901.00&source=onet");
  CHECK(onet.status == 404);
  CHECK(onet.json()["error"] == "no_ratings");
}
