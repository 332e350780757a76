// The real O*NET 29.2 release (ONET_DATA_DIR, default ../shared/onet/db_29_2_text) through
// pipelines/full.yaml with llm_enrich against the fake server, into SQLite: every occupation is
// asked once, the 137 unrated ones get LLM-only levels, the calibration inverts the injected map.
#include <catch2/catch.hpp>

#include "fake_llm_server.hpp"
#include "llm_test_util.hpp"
#include "support/test_support.hpp"

using namespace llmtest;

TEST_CASE("real 29.2: every occupation enriched, unrated ones get model estimates", "[llm][sqlite][real]") {
  const std::string data = testing_support::onet_data_dir();
  if (data.empty()) {
    WARN("SKIPPED: no O*NET 29.2 release (set ONET_DATA_DIR)");
    return;
  }
  testing_support::TempDir dir("llm-real");
  const std::string db = "sqlite:" + (dir / "onet.db").string();
  const auto lv = read_lv(data + "/Skills.txt");
  FakeLlmServer server;
  server.script([&](const FakeCall& c) {
    std::vector<std::pair<std::string, double>> levels;
    for (const auto& id : c.element_ids) {
      auto it = lv.find({c.code, id});
      levels.emplace_back(id, it != lv.end() ? 0.8 * it->second + 1.7 : 3.0);
    }
    FakeAnswer a;
    a.text = answer_text(c.code, levels);
    return a;
  });
  auto overrides = llm_overrides("openai", server.base_url(), db);
  overrides.push_back("nodes.source.params.location=" + data);
  overrides.push_back("nodes.llm.params.concurrency=8");
  overrides.push_back("nodes.validate.params.rejects_path=" + (dir / "rejects.tsv").string());
  auto report = run_pipeline_file("full.yaml", overrides);
  INFO(report.error);
  REQUIRE(report.ok);
  CHECK(server.calls() == 1016);

  // The prompts: 35 skills each; references are other rated occupations: the text neighbours
  // text_estimate found (issue 11), most similar first.
  const auto developers_first = scalar(db,
                                       "SELECT n.neighbour_code FROM estimate_neighbours n JOIN occupation_ratings r ON "
                                       "r.onetsoc_code = n.neighbour_code AND r.data_value IS NOT NULL WHERE n.onetsoc_code = "
                                       "'15-1252.00' ORDER BY n.neighbour_rank LIMIT 1");
  REQUIRE_FALSE(developers_first.empty());
  for (const auto& c : server.log()) {
    CHECK(c.element_ids.size() == 35);
    CHECK(c.user.find("- " + c.code + " ") == std::string::npos);  // never itself as a reference
    if (c.code == "11-1031.00") {
      CHECK(c.user.find("Title: Legislators") != std::string::npos);
      CHECK(c.user.find("\n- 11-") != std::string::npos);  // a chief-executive-like reference
    }
    if (c.code == "15-1252.00") {
      const auto at = c.user.find("\n- " + developers_first + " ");
      REQUIRE(at != std::string::npos);
      CHECK(c.user.find("(most similar by O*NET's text, similarity ", at) != std::string::npos);
    }
  }

  CHECK(scalar(db, "SELECT COUNT(*) FROM occupation_ratings WHERE value_source = 'llm'") == std::to_string(137 * 35));
  // An unrated occupation's refined value: the precision-weighted blend of its text estimate and
  // the calibrated LLM level, so between the two. The fake's map is exact, so the calibration's
  // residual is 0 and the LLM's level takes all the weight (the blend with two real uncertainties
  // is checked in enrich_sqlite_test and components_test).
  CHECK(scalar(
            db,
            "SELECT COUNT(*) FROM occupation_ratings r JOIN occupation_estimates e ON e.onetsoc_code = r.onetsoc_code AND "
            "e.element_id = r.element_id AND e.scale_id = 'LV' WHERE r.value_source = 'llm' AND r.scale_id = 'LV' AND "
            "(r.refined_value < MIN(e.estimate, r.llm_value) - 1e-9 OR r.refined_value > MAX(e.estimate, r.llm_value) + 1e-9)") ==
        "0");
  CHECK(scalar(db,
               "SELECT COUNT(*) FROM occupation_ratings WHERE value_source = 'llm' AND ABS(refined_value - llm_value) > 1e-6") ==
        "0");
  CHECK(scalar(db, "SELECT COUNT(DISTINCT onetsoc_code) FROM occupation_ratings WHERE value_source = 'llm'") == "137");
  CHECK(scalar(db,
               "SELECT COUNT(*) FROM occupation_ratings WHERE onetsoc_code = '11-1031.00' AND "
               "value_source = 'llm' AND scale_id = 'LV' AND data_value IS NULL AND llm_value IS NOT NULL") == "35");
  CHECK(scalar(db,
               "SELECT COUNT(*) FROM occupation_ratings WHERE value_source = 'file' AND scale_id = 'LV' AND "
               "refined_value IS NOT NULL") == "30765");
  // O*NET's own values untouched (Programming of 15-1251.00: LV 4.88).
  CHECK(scalar(db,
               "SELECT data_value FROM occupation_ratings WHERE onetsoc_code = '15-1251.00' AND "
               "element_id = '2.B.3.e' AND scale_id = 'LV'") == "4.8799999999999999");
  auto summary = nlohmann::json::parse(scalar(db, "SELECT llm_summary FROM load_runs WHERE status = 'completed'"));
  CHECK(summary["occupations"] == 1016);
  CHECK(summary["rated_occupations"] == 879);
  CHECK(summary["unrated_occupations"] == 137);
  CHECK(summary["calibration"]["pairs"] == 30765);
  CHECK(summary["calibration"]["slope"].get<double>() == Approx(1.25).margin(1e-6));
  CHECK(summary["calibration"]["intercept"].get<double>() == Approx(-2.125).margin(1e-6));
  CHECK(scalar(db, "SELECT COUNT(*) FROM llm_assessments WHERE status = 'ok'") == std::to_string(1016 * 35));
}
