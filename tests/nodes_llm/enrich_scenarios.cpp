#include "enrich_scenarios.hpp"

#include <catch2/catch.hpp>

#include <cmath>

#include "fake_llm_server.hpp"
#include "llm_test_util.hpp"

namespace llmtest {

namespace {

const dag::NodeStats& node(const dag::RunReport& r, const std::string& id) {
  for (const auto& n : r.nodes) {
    if (n.id == id) return n;
  }
  FAIL("no node " << id);
  throw std::logic_error("unreachable");
}

}  // namespace

void scenario_happy_path(const std::string& provider, const std::string& db_url) {
  const auto lv = mini_lv();
  FakeLlmServer server;
  server.script([&](const FakeCall& c) {
    std::vector<std::pair<std::string, double>> levels;
    for (const auto& id : c.element_ids) {
      auto it = lv.find({c.code, id});
      levels.emplace_back(id, it != lv.end() ? 0.8 * it->second + 1.7 : 3.0 + 0.25 * static_cast<double>(id.back() % 4));
    }
    FakeAnswer a;
    a.text = answer_text(c.code, levels);
    return a;
  });

  auto report = run_pipeline_file("sample.yaml", llm_overrides(provider, server.base_url(), db_url));
  INFO(report.error);
  REQUIRE(report.ok);
  CHECK(server.calls() == 8);  // one request per occupation
  for (const auto& c : server.log()) {
    CHECK(c.format == provider);
    CHECK(c.model == "fake-model-1");
    CHECK(c.key == "test-key-0123456789");
    CHECK(c.query.find("0123456789") == std::string::npos);  // the key travels in a header only
    CHECK(c.element_ids.size() == 8);
    if (provider == "gemini") {
      CHECK(c.body["generationConfig"]["responseSchema"]["type"] == "OBJECT");
    } else {
      CHECK(c.body["response_format"]["type"] == "json_schema");
    }
  }
  const auto& llm_stats = node(report, "llm");
  CHECK(llm_stats.counters.at("calls") == 8);
  CHECK(llm_stats.counters.at("cache_hits") == 0);
  CHECK(llm_stats.counters.at("failures") == 0);
  CHECK(llm_stats.counters.at("llm_rows") == 16);
  CHECK(llm_stats.counters.at("enriched_rows") == 48);

  // Rated occupations: O*NET's value untouched, llm_value = calibrated answer (= O*NET here,
  // the fit inverts the injected bias exactly), refined between them (here: equal).
  auto rows = query(db_url,
                    "SELECT onetsoc_code, element_id, data_value, llm_value, refined_value, value_source "
                    "FROM occupation_ratings WHERE scale_id = 'LV' AND element_id LIKE '2.%' AND "
                    "element_id NOT LIKE '2.C%' ORDER BY onetsoc_code, element_id");
  REQUIRE(rows.size() == 64);
  int file_rows = 0, llm_rows = 0;
  for (const auto& r : rows) {
    INFO(r[0] << " " << r[1]);
    REQUIRE_FALSE(r[3].empty());
    REQUIRE_FALSE(r[4].empty());
    if (r[5] == "file") {
      ++file_rows;
      CHECK(std::stod(r[2]) == Approx(lv.at({r[0], r[1]})));
      CHECK(std::stod(r[3]) == Approx(std::stod(r[2])).margin(1e-6));
      CHECK(std::stod(r[4]) == Approx(std::stod(r[2])).margin(1e-6));
    } else {
      ++llm_rows;
      CHECK(r[5] == "llm");
      CHECK(r[2].empty());  // no O*NET value
      CHECK((r[0] == "29-9901.00" || r[0] == "47-9901.00"));
      CHECK(std::stod(r[3]) == Approx(std::stod(r[4])));
      const double raw = 3.0 + 0.25 * static_cast<double>(r[1].back() % 4);
      CHECK(std::stod(r[3]) == Approx((raw - 1.7) / 0.8).margin(1e-6));
    }
  }
  CHECK(file_rows == 48);
  CHECK(llm_rows == 16);
  CHECK(scalar(db_url,
               "SELECT COUNT(*) FROM occupation_ratings WHERE scale_id = 'IM' AND "
               "(llm_value IS NOT NULL OR refined_value IS NOT NULL)") == "0");
  CHECK(scalar(db_url,
               "SELECT COUNT(*) FROM occupation_ratings WHERE element_id LIKE '2.C%' AND "
               "llm_value IS NOT NULL") == "0");

  // The run's summary and calibration are stored with the load run.
  auto summary = nlohmann::json::parse(scalar(db_url,
                                              "SELECT llm_summary FROM load_runs WHERE status = 'completed' "
                                              "ORDER BY run_id DESC LIMIT 1"));
  CHECK(summary["provider"] == provider);
  CHECK(summary["model"] == "fake-model-1");
  CHECK(summary["occupations"] == 8);
  CHECK(summary["rated_occupations"] == 6);
  CHECK(summary["unrated_occupations"] == 2);
  CHECK(summary["calls"] == 8);
  CHECK(summary["llm_only_rows"] == 16);
  const auto& cal = summary["calibration"];
  CHECK(cal["fitted"] == true);
  CHECK(cal["pairs"] == 48);
  CHECK(cal["slope"].get<double>() == Approx(1 / 0.8).margin(1e-5));
  CHECK(cal["intercept"].get<double>() == Approx(-1.7 / 0.8).margin(1e-5));
  CHECK(cal["raw"]["bias"].get<double>() > 0.5);
  CHECK(cal["calibrated_heldout"]["mae"].get<double>() == Approx(0).margin(1e-5));

  // Every answer is journaled, with its calibrated level.
  CHECK(scalar(db_url, "SELECT COUNT(*) FROM llm_assessments WHERE status = 'ok' AND provider = '" + provider +
                           "' AND model = 'fake-model-1' AND prompt_version = 'lv-grounded-v2'") == "64");
  CHECK(scalar(db_url, "SELECT COUNT(*) FROM llm_assessments WHERE calibrated_level IS NULL") == "0");
  // The journal's calibrated level (computed by the database) is the value loaded with the data.
  CHECK(scalar(db_url,
               "SELECT COUNT(*) FROM llm_assessments a JOIN occupation_ratings r ON r.onetsoc_code = "
               "a.onetsoc_code AND r.element_id = a.element_id AND r.scale_id = 'LV'") == "64");
  CHECK(scalar(db_url,
               "SELECT COUNT(*) FROM llm_assessments a JOIN occupation_ratings r ON r.onetsoc_code = "
               "a.onetsoc_code AND r.element_id = a.element_id AND r.scale_id = 'LV' WHERE "
               "ABS(a.calibrated_level - r.llm_value) > 1e-9") == "0");
  CHECK(scalar(db_url, "SELECT COUNT(DISTINCT prompt_hash) FROM llm_assessments") == "8");
  CHECK(scalar(db_url, "SELECT COUNT(*) FROM llm_assessments WHERE prompt_tokens IS NOT NULL") == "8");
  CHECK(scalar(db_url, "SELECT COUNT(*) FROM llm_assessments WHERE justification LIKE 'fake rating of %'") == "64");

  // Nothing changed: the rerun answers from the journal and makes no call.
  server.reset_log();
  auto again = run_pipeline_file("sample.yaml", llm_overrides(provider, server.base_url(), db_url));
  INFO(again.error);
  REQUIRE(again.ok);
  CHECK(server.calls() == 0);
  CHECK(node(again, "llm").counters.at("cache_hits") == 8);
  CHECK(scalar(db_url, "SELECT COUNT(*) FROM llm_assessments") == "64");
  CHECK(scalar(db_url, "SELECT COUNT(*) FROM occupation_ratings WHERE value_source = 'llm'") == "16");
  auto s2 = nlohmann::json::parse(scalar(db_url,
                                         "SELECT llm_summary FROM load_runs WHERE status = 'completed' "
                                         "ORDER BY run_id DESC LIMIT 1"));
  CHECK(s2["calls"] == 0);
  CHECK(s2["cache_hits"] == 8);
  CHECK(s2["calibration"]["slope"] == cal["slope"]);
}

}  // namespace llmtest
