#pragma once
// End-to-end scenarios of llm_enrich through pipelines/sample.yaml (onet_mini fixture) and the
// real engine into a database given by URL — run against SQLite and MariaDB.
#include <string>

namespace llmtest {

// Fake answers raw = 0.8 * onet + 1.7 (a known bias and scale) through `provider`'s wire format;
// checks rows, LLM-only rows, calibration (the fitted map is the inverse), the summary in
// load_runs and the journal; then a rerun makes no call.
void scenario_happy_path(const std::string& provider, const std::string& db_url);

}  // namespace llmtest
