// The committed cassette tests/fixtures/llm/onet_mini.cassette.jsonl replays the sample pipeline
// offline. It is keyed by prompt hash, so this also catches a change of the prompt text or
// schema made without bumping kPromptVersion and re-recording (see tests/fixtures/llm/README.md).
#include <catch2/catch.hpp>

#include <cstdlib>

#include "fake_llm_server.hpp"
#include "llm_test_util.hpp"
#include "support/test_support.hpp"

using namespace llmtest;

namespace {

const char* kCassette = "tests/fixtures/llm/onet_mini.cassette.jsonl";

// Made-up answers: raw = 0.8 x O*NET + 1.7 + a small deterministic wobble; 3.0 +- for unrated.
FakeAnswer made_up(const FakeCall& c) {
  static const auto lv = mini_lv();
  std::vector<std::pair<std::string, double>> levels;
  int i = 0;
  for (const auto& id : c.element_ids) {
    auto it = lv.find({c.code, id});
    const double wobble = 0.1 * ((i++ % 5) - 2);
    const double raw = it != lv.end() ? 0.8 * it->second + 1.7 + wobble : 3.0 + wobble;
    levels.emplace_back(id, std::round(raw * 100) / 100);
  }
  FakeAnswer a;
  a.text = answer_text(c.code, levels);
  return a;
}

}  // namespace

TEST_CASE("the committed cassette replays pipelines/sample.yaml offline", "[llm][sqlite][replay]") {
  testing_support::TempDir dir("llm-fixture");
  const std::string db = "sqlite:" + (dir / "sample.db").string();
  auto r = run_pipeline_file("sample.yaml", {"nodes.load.params.database=" + db, "nodes.llm.params.cache=" + db},
                             {{"LLM_PROVIDER", "replay"}, {"LLM_CASSETTE", kCassette}});
  INFO(
      "if a request is missing, the prompt changed: bump kPromptVersion in nodes/llm/types.hpp and "
      "re-record the cassette as tests/fixtures/llm/README.md says");
  INFO(r.error);
  REQUIRE(r.ok);
  CHECK(scalar(db, "SELECT COUNT(*) FROM occupation_ratings WHERE value_source = 'llm'") == "16");
  CHECK(scalar(db, "SELECT COUNT(*) FROM occupation_ratings WHERE scale_id = 'LV' AND llm_value IS NOT NULL") == "64");
  auto summary = nlohmann::json::parse(scalar(db, "SELECT llm_summary FROM load_runs WHERE status = 'completed'"));
  CHECK(summary["provider"] == "replay");
  CHECK(summary["failed_occupations"] == 0);
  CHECK(summary["calibration"]["fitted"] == true);
  // An active llm_enrich forwards the tables it does not enrich unchanged (the descriptive ones).
  CHECK(scalar(db, "SELECT COUNT(*) FROM task_statements") == "12");
  CHECK(scalar(db, "SELECT COUNT(*) FROM technology_skills") == "12");
  CHECK(scalar(db, "SELECT COUNT(*) FROM ete_ratings") == "21");
}

// Hidden; writes the cassette: LLM_FIXTURE_OUT=$PWD/tests/fixtures/llm/onet_mini.cassette.jsonl
TEST_CASE("record the onet_mini cassette fixture", "[.][record-fixture]") {
  const char* out = std::getenv("LLM_FIXTURE_OUT");
  REQUIRE(out);
  std::remove(out);
  testing_support::TempDir dir("llm-record");
  FakeLlmServer server;
  server.script(made_up);
  auto overrides = llm_overrides("openai", server.base_url(), "sqlite:" + (dir / "rec.db").string());
  overrides.push_back("nodes.llm.params.record=true");
  overrides.push_back(std::string("nodes.llm.params.cassette=") + out);
  auto r = run_pipeline_file("sample.yaml", overrides);
  INFO(r.error);
  REQUIRE(r.ok);
  CHECK(server.calls() == 8);
}
