// llm_enrich through pipelines/sample.yaml and the real engine into SQLite, against the fake
// LLM server: both wire formats, faults, failure policies, resume, replay, and secrecy of keys.
#include <catch2/catch.hpp>

#include <cmath>
#include <algorithm>
#include <functional>

#include "enrich_scenarios.hpp"
#include "fake_llm_server.hpp"
#include "llm_test_util.hpp"
#include "support/test_support.hpp"

using namespace llmtest;

namespace {

std::string sqlite_url(const testing_support::TempDir& d) { return "sqlite:" + (d / "onet.db").string(); }

const dag::NodeStats& node(const dag::RunReport& r, const std::string& id) {
  for (const auto& n : r.nodes) {
    if (n.id == id) return n;
  }
  throw std::logic_error("no node " + id);
}

// A correct answer for what was asked: raw = 0.8 * O*NET + 1.7 (3.0 where O*NET has no value).
FakeAnswer good(const FakeCall& c) {
  static const auto lv = mini_lv();
  std::vector<std::pair<std::string, double>> levels;
  for (const auto& id : c.element_ids) {
    auto it = lv.find({c.code, id});
    levels.emplace_back(id, it != lv.end() ? 0.8 * it->second + 1.7 : 3.0);
  }
  FakeAnswer a;
  a.text = answer_text(c.code, levels);
  return a;
}

std::vector<FakeCall> calls_for(const FakeLlmServer& s, const std::string& code) {
  std::vector<FakeCall> out;
  for (const auto& c : s.log()) {
    if (c.code == code) out.push_back(c);
  }
  return out;
}

std::vector<std::string> with(std::vector<std::string> v, const std::vector<std::string>& more) {
  v.insert(v.end(), more.begin(), more.end());
  return v;
}

}  // namespace

TEST_CASE("sqlite: openai wire format end to end, rerun makes no call", "[llm][sqlite]") {
  testing_support::TempDir dir("llm-openai");
  scenario_happy_path("openai", sqlite_url(dir));
}

TEST_CASE("sqlite: gemini wire format end to end, rerun makes no call", "[llm][sqlite]") {
  testing_support::TempDir dir("llm-gemini");
  scenario_happy_path("gemini", sqlite_url(dir));
}

TEST_CASE("faults are retried, partial answers keep the valid items and ask for the rest", "[llm][sqlite][faults]") {
  testing_support::TempDir dir("llm-faults");
  const auto db = sqlite_url(dir);
  FakeLlmServer server;
  server.script([](const FakeCall& c) {
    FakeAnswer a = good(c);
    if (c.code == "11-9901.00" && c.attempt == 1) {  // rate limited, come back in 1 s
      a.status = 429;
      a.retry_after = "1";
      a.raw_body = R"({"error":{"message":"quota exceeded"}})";
    } else if (c.code == "11-9902.00" && c.attempt == 1) {
      a.status = 500;
    } else if (c.code == "15-9901.00" && c.attempt == 1) {
      a.delay = std::chrono::milliseconds(1500);  // past the 0.4 s timeout
    } else if (c.code == "15-9902.00" && c.attempt == 1) {
      a.text = R"({"occupation_code": "15-9902.00", "skills": [{"element_id": "2.A.1.a", "level": )";  // cut
    } else if (c.code == "15-9903.01") {
      a.text = "Here are the ratings:\n```json\n" + a.text + "\n```\nLet me know if you need more.";
    } else if (c.code == "17-9901.00" && c.attempt == 1) {  // three skills missing
      auto j = nlohmann::json::parse(a.text);
      j["skills"].erase(j["skills"].begin() + 5, j["skills"].end());
      a.text = j.dump();
    } else if (c.code == "29-9901.00" && c.attempt == 1) {  // invented, out of range, non-numeric
      auto j = nlohmann::json::parse(a.text);
      j["skills"][0]["element_id"] = "2.A.9.z";
      j["skills"][1]["level"] = 9.5;
      j["skills"][2]["level"] = "quite high";
      j["skills"][3]["element_id"] = "Programming Wizardry";
      j["skills"][4] = {{"element_id", "Critical Thinking"}, {"level", 2.5}, {"justification", "by name"}};
      a.text = j.dump();
    } else if (c.code == "47-9901.00") {
      a.refusal = "I can't help with that.";  // blocked: not retried
      a.text.clear();
    }
    return a;
  });
  auto report = run_pipeline_file("sample.yaml", with(llm_overrides("openai", server.base_url(), db),
                                                      {"nodes.llm.params.timeout_s=0.4", "nodes.llm.params.on_error=skip"}));
  INFO(report.error);
  REQUIRE(report.ok);

  auto c = calls_for(server, "11-9901.00");
  REQUIRE(c.size() == 2);
  CHECK(std::chrono::duration<double>(c[1].at - c[0].at).count() >= 0.99);  // Retry-After honoured
  CHECK(calls_for(server, "11-9902.00").size() == 2);
  CHECK(calls_for(server, "15-9901.00").size() == 2);
  CHECK(calls_for(server, "15-9902.00").size() == 2);
  CHECK(calls_for(server, "15-9903.01").size() == 1);
  c = calls_for(server, "17-9901.00");
  REQUIRE(c.size() == 2);
  CHECK(c[1].element_ids == std::vector<std::string>(c[0].element_ids.begin() + 5, c[0].element_ids.end()));
  c = calls_for(server, "29-9901.00");
  REQUIRE(c.size() == 2);
  // The retry asks for the four bad items only: item 4 named "Critical Thinking" (2.A.2.a) by its
  // exact name in place of an id, which is accepted; its own item 2.B.1.a is now missing.
  CHECK(c[0].element_ids[3] == "2.A.2.a");
  CHECK(c[1].element_ids == std::vector<std::string>{"2.A.1.a", "2.A.1.b", "2.A.1.e", "2.B.1.a"});
  CHECK(calls_for(server, "47-9901.00").size() == 1);

  const auto& st = node(report, "llm");
  CHECK(st.counters.at("failures") == 1);
  CHECK(st.counters.at("calls") == 14);
  CHECK(st.counters.at("retries") == 6);
  CHECK(st.counters.at("llm_rows") == 8);  // 29-9901.00 only: 47-9901.00 failed

  CHECK(scalar(db, "SELECT COUNT(*) FROM occupation_ratings WHERE onetsoc_code = '47-9901.00'") == "0");
  CHECK(scalar(db, "SELECT COUNT(*) FROM occupation_ratings WHERE onetsoc_code = '29-9901.00' AND value_source = 'llm'") == "8");
  CHECK(scalar(db,
               "SELECT COUNT(*) FROM occupation_ratings WHERE scale_id = 'LV' AND value_source = 'file' AND "
               "element_id NOT LIKE '2.C%' AND llm_value IS NULL") == "0");
  CHECK(scalar(db, "SELECT COUNT(*) FROM llm_assessments WHERE status = 'ok'") == "56");
  CHECK(scalar(db, "SELECT COUNT(*) FROM llm_assessments WHERE status = 'failed' AND onetsoc_code = '47-9901.00'") == "8");
  CHECK(scalar(db, "SELECT justification FROM llm_assessments WHERE status = 'failed' LIMIT 1").find("blocked") !=
        std::string::npos);
  auto summary = nlohmann::json::parse(scalar(db, "SELECT llm_summary FROM load_runs WHERE status = 'completed'"));
  CHECK(summary["failed_occupations"] == 1);
  CHECK(summary["failed"][0]["code"] == "47-9901.00");
  CHECK(summary["invalid_answers"] == 3);
  // The calibration still recovers the injected map from the valid answers.
  CHECK(summary["calibration"]["slope"].get<double>() == Approx(1.25).margin(1e-5));

  // A rerun asks only for the occupation that failed.
  server.reset_log();
  server.script(good);
  auto again = run_pipeline_file("sample.yaml", llm_overrides("openai", server.base_url(), db));
  REQUIRE(again.ok);
  CHECK(server.calls() == 1);
  CHECK(calls_for(server, "47-9901.00").size() == 1);
  CHECK(scalar(db, "SELECT COUNT(*) FROM occupation_ratings WHERE onetsoc_code = '47-9901.00' AND value_source = 'llm'") == "8");
}

TEST_CASE("gemini: empty candidates are retried, a SAFETY block fails the run under on_error fail", "[llm][sqlite][faults]") {
  testing_support::TempDir dir("llm-gemini-faults");
  const auto db = sqlite_url(dir);
  FakeLlmServer server;
  server.script([](const FakeCall& c) {
    FakeAnswer a = good(c);
    if (c.code == "11-9901.00" && c.attempt == 1) a.no_candidates = true;
    if (c.code == "15-9903.01") {
      a.text.clear();
      a.finish_reason = "SAFETY";
    }
    return a;
  });
  // One worker: 11-9901.00 (retried) is done before 15-9903.01 fails the run and stops the others.
  auto report = run_pipeline_file("sample.yaml", with(llm_overrides("gemini", server.base_url(), db),
                                                      {"nodes.llm.params.on_error=fail", "nodes.llm.params.concurrency=1"}));
  REQUIRE_FALSE(report.ok);
  CHECK(report.failed_node == "llm");
  CHECK_THAT(report.error, Catch::Contains("15-9903.01") && Catch::Contains("blocked") && Catch::Contains("on_error: skip"));
  CHECK(calls_for(server, "11-9901.00").size() == 2);
  CHECK(calls_for(server, "15-9903.01").size() == 1);
  // Nothing was loaded; the failed attempt is recorded; answers so far stay in the journal.
  CHECK(scalar(db, "SELECT COUNT(*) FROM occupation_ratings") == "0");
  CHECK(scalar(db, "SELECT status FROM load_runs") == "failed");
  CHECK(std::stoi(scalar(db, "SELECT COUNT(DISTINCT onetsoc_code) FROM llm_assessments WHERE status = 'ok'")) >= 1);

  // Also blocked prompts (promptFeedback) are not retried.
  server.reset_log();
  server.script([](const FakeCall& c) {
    FakeAnswer a = good(c);
    a.no_candidates = true;
    a.block_reason = "SAFETY";
    return a;
  });
  const std::string db2 = "sqlite:" + (dir / "blocked.db").string();
  auto blocked =
      run_pipeline_file("sample.yaml", with(llm_overrides("gemini", server.base_url(), db2), {"nodes.llm.params.on_error=skip"}));
  REQUIRE(blocked.ok);
  CHECK(server.calls() == 8);  // one each: a blocked prompt is not asked again
  for (const auto& call : server.log()) CHECK(call.attempt == 1);
  CHECK(node(blocked, "llm").counters.at("failures") == 8);
}

TEST_CASE("persistent server errors: bounded retries, then the occupation fails the run", "[llm][sqlite][faults]") {
  testing_support::TempDir dir("llm-500");
  const auto db = sqlite_url(dir);
  FakeLlmServer server;
  server.script([](const FakeCall& c) {
    FakeAnswer a = good(c);
    if (c.code == "15-9902.00") a.status = 503;
    return a;
  });
  auto report =
      run_pipeline_file("sample.yaml", with(llm_overrides("openai", server.base_url(), db), {"nodes.llm.params.max_retries=2"}));
  REQUIRE_FALSE(report.ok);
  CHECK_THAT(report.error, Catch::Contains("15-9902.00") && Catch::Contains("HTTP 503") && Catch::Contains("after 3 call(s)"));
  CHECK(calls_for(server, "15-9902.00").size() == 3);
}

TEST_CASE("on_error skip still stops when occupations fail in a row (service down)", "[llm][sqlite][faults]") {
  testing_support::TempDir dir("llm-down");
  FakeLlmServer server;
  server.script([](const FakeCall& c) {
    FakeAnswer a = good(c);
    if (c.code >= "15-9902.00") a.status = 502;  // the first three answer, then the service is down
    return a;
  });
  auto report =
      run_pipeline_file("sample.yaml", with(llm_overrides("openai", server.base_url(), sqlite_url(dir)),
                                            {"nodes.llm.params.on_error=skip", "nodes.llm.params.concurrency=1",
                                             "nodes.llm.params.max_retries=1", "nodes.llm.params.max_consecutive_failures=3"}));
  REQUIRE_FALSE(report.ok);
  CHECK_THAT(report.error, Catch::Contains("3 occupations in a row failed") && Catch::Contains("HTTP 502"));
  CHECK(server.calls() == 3 + 3 * 2);  // 3 answered, then 3 given up after 2 calls each
}

TEST_CASE("a refused request (bad key) stops the run at once and never shows the key", "[llm][sqlite][faults][secrets]") {
  testing_support::TempDir dir("llm-401");
  const auto db = sqlite_url(dir);
  const std::string key = "sk-live-SECRET-4711-abcdef";
  FakeLlmServer server;
  server.script([&](const FakeCall& c) {
    FakeAnswer a;
    a.status = 401;
    a.raw_body = R"({"error":{"message":"Incorrect API key provided: )" + c.key + R"("}})";
    return a;
  });
  LogCapture logs;
  auto report = run_pipeline_file("sample.yaml", with(llm_overrides("openai", server.base_url(), db, key),
                                                      {"nodes.llm.params.concurrency=1", "nodes.llm.params.on_error=skip"}));
  REQUIRE_FALSE(report.ok);
  CHECK(server.calls() == 1);
  CHECK_THAT(report.error, Catch::Contains("HTTP 401") && Catch::Contains("Incorrect API key provided: ***"));
  CHECK(report.error.find(key) == std::string::npos);
  CHECK(report.to_json().find(key) == std::string::npos);
  CHECK(logs.text().find(key) == std::string::npos);
  CHECK(logs.text().find("HTTP 401") != std::string::npos);  // the capture did see the run
  CHECK(scalar(db,
               "SELECT COUNT(*) FROM llm_assessments WHERE raw_response LIKE '%SECRET-4711%' OR "
               "justification LIKE '%SECRET-4711%'") == "0");
}

TEST_CASE("keys never reach the logs, also with retries and debug logging", "[llm][sqlite][secrets]") {
  testing_support::TempDir dir("llm-keys");
  const auto db = sqlite_url(dir);
  const std::string key = "AIzaSy-TEST-KEY-never-log-me-42";
  FakeLlmServer server;
  server.script([&](const FakeCall& c) {
    FakeAnswer a = good(c);
    if (c.attempt == 1 && c.code < "15") {
      a.status = 429;
      a.retry_after = "0";
      a.raw_body = R"({"error":{"message":"quota for key )" + c.key + R"( exceeded"}})";
    }
    return a;
  });
  LogCapture logs;
  auto report = run_pipeline_file(
      "sample.yaml", with(llm_overrides("gemini", server.base_url(), db, key), {"nodes.llm.params.progress_s=0.05"}));
  REQUIRE(report.ok);
  for (const auto& c : server.log()) CHECK(c.key == key);  // it was used...
  const auto text = logs.text();
  CHECK(text.find(key) == std::string::npos);                           // ...but never written
  CHECK(text.find("quota for key *** exceeded") != std::string::npos);  // retries were logged (debug)
  CHECK(text.find("occupations") != std::string::npos);
  CHECK(report.to_json().find(key) == std::string::npos);
  CHECK(scalar(db, "SELECT COUNT(*) FROM llm_assessments WHERE raw_response LIKE '%never-log-me%'") == "0");

  // GEMINI_API_KEY is read when api_key is empty (gemini only), through the node's declared
  // parameter gemini_api_key (default ${GEMINI_API_KEY:-}): from the pipeline's environment.
  server.reset_log();
  auto overrides = llm_overrides("gemini", server.base_url(), "sqlite:" + (dir / "other.db").string(), "");
  auto r2 = run_pipeline_file("sample.yaml", with(overrides, {"nodes.llm.params.limit=1"}), {{"GEMINI_API_KEY", key}});
  INFO(r2.error);
  REQUIRE(r2.ok);
  REQUIRE(server.calls() >= 1);
  for (const auto& c : server.log()) CHECK(c.key == key);
}

TEST_CASE("a run stopped after some occupations resumes with only the remaining calls", "[llm][sqlite][resume]") {
  testing_support::TempDir dir("llm-resume");
  const auto db = sqlite_url(dir);
  FakeLlmServer server;
  std::atomic<int> answered{0};
  server.script([&](const FakeCall& c) {
    if (answered >= 3) {  // the 4th request is refused: the run stops
      FakeAnswer a;
      a.status = 400;
      return a;
    }
    ++answered;
    return good(c);
  });
  auto first =
      run_pipeline_file("sample.yaml", with(llm_overrides("openai", server.base_url(), db), {"nodes.llm.params.concurrency=1"}));
  REQUIRE_FALSE(first.ok);
  CHECK(server.calls() == 4);
  CHECK(scalar(db, "SELECT COUNT(DISTINCT onetsoc_code) FROM llm_assessments WHERE status = 'ok'") == "3");
  CHECK(scalar(db, "SELECT COUNT(*) FROM occupation_ratings") == "0");

  server.reset_log();
  server.script(good);
  auto second = run_pipeline_file("sample.yaml", llm_overrides("openai", server.base_url(), db));
  INFO(second.error);
  REQUIRE(second.ok);
  CHECK(server.calls() == 5);  // 8 occupations, 3 already answered
  CHECK(node(second, "llm").counters.at("cache_hits") == 3);
  std::set<std::string> asked;
  for (const auto& c : server.log()) asked.insert(c.code);
  CHECK(asked.size() == 5);
  CHECK(scalar(db,
               "SELECT COUNT(*) FROM occupation_ratings WHERE scale_id = 'LV' AND llm_value IS NOT NULL AND "
               "element_id NOT LIKE '2.C%'") == "64");
}

TEST_CASE("concurrency limit: requests in flight never exceed it", "[llm][sqlite]") {
  testing_support::TempDir dir("llm-conc");
  FakeLlmServer server;
  server.script([](const FakeCall& c) {
    FakeAnswer a = good(c);
    a.delay = std::chrono::milliseconds(150);
    return a;
  });
  auto report = run_pipeline_file(
      "sample.yaml", with(llm_overrides("openai", server.base_url(), sqlite_url(dir)), {"nodes.llm.params.concurrency=3"}));
  REQUIRE(report.ok);
  CHECK(server.max_in_flight() == 3);
}

TEST_CASE("record a cassette, then replay it without a server", "[llm][sqlite][replay]") {
  testing_support::TempDir dir("llm-replay");
  const auto cassette = (dir / "cassette.jsonl").string();
  std::string recorded_values;
  {
    FakeLlmServer server;
    server.script(good);
    auto rec = run_pipeline_file("sample.yaml", with(llm_overrides("gemini", server.base_url(), sqlite_url(dir)),
                                                     {"nodes.llm.params.record=true", "nodes.llm.params.cassette=" + cassette}));
    REQUIRE(rec.ok);
    recorded_values = scalar(sqlite_url(dir),
                             "SELECT GROUP_CONCAT(llm_value, ',') FROM (SELECT llm_value FROM "
                             "occupation_ratings WHERE llm_value IS NOT NULL ORDER BY onetsoc_code, element_id)");
  }
  const std::string replay_db = "sqlite:" + (dir / "replay.db").string();
  auto rep = run_pipeline_file("sample.yaml", {"nodes.llm.params.provider=replay", "nodes.llm.params.cassette=" + cassette,
                                               "nodes.llm.params.cache=" + replay_db, "nodes.load.params.database=" + replay_db});
  INFO(rep.error);
  REQUIRE(rep.ok);
  CHECK(node(rep, "llm").counters.at("calls") == 8);
  CHECK(scalar(replay_db,
               "SELECT GROUP_CONCAT(llm_value, ',') FROM (SELECT llm_value FROM occupation_ratings WHERE "
               "llm_value IS NOT NULL ORDER BY onetsoc_code, element_id)") == recorded_values);
  CHECK(scalar(replay_db, "SELECT DISTINCT provider FROM llm_assessments") == "replay");

  // A prompt that was never recorded: a clear failure, no retries.
  auto other = run_pipeline_file(
      "sample.yaml", {"nodes.llm.params.provider=replay", "nodes.llm.params.cassette=" + cassette,
                      "nodes.llm.params.references=1", "nodes.llm.params.cache=none", "nodes.load.params.database=" + replay_db});
  REQUIRE_FALSE(other.ok);
  CHECK_THAT(other.error, Catch::Contains("no recorded answer") && Catch::Contains("cassette.jsonl"));
}

TEST_CASE("limit samples occupations, provider none passes everything through", "[llm][sqlite]") {
  testing_support::TempDir dir("llm-limit");
  FakeLlmServer server;
  server.script(good);
  auto r = run_pipeline_file("sample.yaml", with(llm_overrides("openai", server.base_url(), sqlite_url(dir)),
                                                 {"nodes.llm.params.limit=3", "nodes.llm.params.min_calibration_pairs=10"}));
  REQUIRE(r.ok);
  CHECK(server.calls() == 3);
  CHECK(std::stoi(scalar(sqlite_url(dir),
                         "SELECT COUNT(DISTINCT onetsoc_code) FROM occupation_ratings WHERE llm_value "
                         "IS NOT NULL")) <= 3);

  const std::string none_db = "sqlite:" + (dir / "none.db").string();
  server.reset_log();
  auto n = run_pipeline_file("sample.yaml", {"nodes.load.params.database=" + none_db, "nodes.llm.params.cache=" + none_db});
  REQUIRE(n.ok);
  CHECK(server.calls() == 0);
  CHECK(node(n, "llm").counters.empty());
  CHECK(scalar(none_db, "SELECT COUNT(*) FROM occupation_ratings") == "136");
  CHECK(scalar(none_db, "SELECT COUNT(*) FROM occupation_ratings WHERE llm_value IS NOT NULL OR value_source <> 'file'") == "0");
  CHECK(scalar(none_db, "SELECT COUNT(*) FROM load_runs WHERE llm_summary IS NOT NULL") == "0");
}

TEST_CASE("configuration errors name the parameter", "[llm][config]") {
  auto r = run_pipeline_file("sample.yaml",
                             {"nodes.llm.params.provider=gemini", "nodes.llm.params.model=m", "nodes.llm.params.cache=none"});
  REQUIRE_FALSE(r.ok);
  CHECK_THAT(r.error, Catch::Contains("api_key") && Catch::Contains("GEMINI_API_KEY"));
  auto m = run_pipeline_file("sample.yaml", {"nodes.llm.params.provider=openai", "nodes.llm.params.cache=none"});
  CHECK_THAT(m.error, Catch::Contains("parameter 'model'"));
  auto u = run_pipeline_file("sample.yaml", {"nodes.llm.params.provider=openai", "nodes.llm.params.model=m",
                                             "nodes.llm.params.base_url=ftp://x", "nodes.llm.params.cache=none"});
  CHECK_THAT(u.error, Catch::Contains("base_url"));
  CHECK_THROWS_WITH(run_pipeline_file("sample.yaml", {}, {{"LLM_PROVIDER", "claude"}}), Catch::Contains("provider"));
}

TEST_CASE("sqlite: each prompt's references are the occupation's text neighbours, as stored", "[llm][sqlite][prompt]") {
  // pipelines/sample.yaml runs text_estimate before llm_enrich: every prompt shows, as reference
  // points, the first `references` rated text neighbours that estimate_neighbours records for
  // that occupation (issue 11), with their similarity; never the SOC fallback.
  testing_support::TempDir dir("llm-text-references");
  const auto db = sqlite_url(dir);
  FakeLlmServer server;
  server.script(good);
  auto report = run_pipeline_file("sample.yaml", llm_overrides("openai", server.base_url(), db));
  INFO(report.error);
  REQUIRE(report.ok);
  REQUIRE_FALSE(server.log().empty());
  for (const auto& c : server.log()) {
    INFO(c.code);
    const auto first = scalar(db, "SELECT n.neighbour_code FROM estimate_neighbours n WHERE n.onetsoc_code = '" + c.code +
                                      "' AND n.neighbour_code <> n.onetsoc_code AND EXISTS (SELECT 1 FROM occupation_ratings r "
                                      "WHERE r.onetsoc_code = n.neighbour_code AND r.data_value IS NOT NULL) "
                                      "ORDER BY n.neighbour_rank LIMIT 1");
    REQUIRE_FALSE(first.empty());
    const auto line = c.user.find("\n- " + first + " ");
    REQUIRE(line != std::string::npos);
    CHECK(c.user.find("(most similar by O*NET's text, similarity ", line) != std::string::npos);
    CHECK(c.user.find("same broad occupation") == std::string::npos);
    CHECK(c.user.find("same minor group") == std::string::npos);
  }
}

TEST_CASE("sqlite: an unrated occupation's refined value is the precision-weighted blend of its text estimate and the LLM level",
          "[llm][sqlite][blend]") {
  // The fake's levels for rated occupations carry a deterministic error, so the calibration has a
  // held-out residual (not 0) and both sides of the blend carry weight: refined =
  // (estimate/sd² + llm/residual²) / (1/sd² + 1/residual²), sd from occupation_estimates, the
  // residual from the run's llm_summary (issue 11).
  testing_support::TempDir dir("llm-text-blend");
  const auto db = sqlite_url(dir);
  FakeLlmServer server;
  server.script([](const FakeCall& c) {
    static const auto lv = mini_lv();
    std::vector<std::pair<std::string, double>> levels;
    for (const auto& id : c.element_ids) {
      auto it = lv.find({c.code, id});
      const double noise = static_cast<double>(std::hash<std::string>{}(c.code + id) % 7) * 0.1 - 0.3;
      levels.emplace_back(id, std::clamp(it != lv.end() ? 0.8 * it->second + 1.7 + noise : 3.0 + noise, 0.0, 7.0));
    }
    FakeAnswer a;
    a.text = answer_text(c.code, levels);
    return a;
  });
  auto report = run_pipeline_file("sample.yaml", llm_overrides("openai", server.base_url(), db));
  INFO(report.error);
  REQUIRE(report.ok);
  const auto summary = nlohmann::json::parse(scalar(db, "SELECT llm_summary FROM load_runs WHERE status = 'completed'"));
  const double residual = summary["blend"]["llm_sd"].get<double>();
  REQUIRE(residual > 0.01);
  const double w = 1 / (residual * residual);
  const std::string blended = "MIN(7, MAX(0, (e.estimate / (e.sd * e.sd) + r.llm_value * " + std::to_string(w) +
                              ") / (1 / (e.sd * e.sd) + " + std::to_string(w) + ")))";
  const std::string joined =
      " FROM occupation_ratings r JOIN occupation_estimates e ON e.onetsoc_code = r.onetsoc_code AND e.element_id = "
      "r.element_id AND e.scale_id = 'LV' WHERE r.value_source = 'llm' AND r.scale_id = 'LV'";
  const int rows = std::stoi(scalar(db, "SELECT COUNT(*)" + joined));
  REQUIRE(rows > 0);
  CHECK(scalar(db, "SELECT COUNT(*)" + joined + " AND ABS(r.refined_value - " + blended + ") > 1e-4") == "0");
  // Neither side alone: the text estimate moved the LLM's level, and the LLM's level the estimate.
  CHECK(std::stoi(scalar(db, "SELECT COUNT(*)" + joined +
                                 " AND ABS(r.refined_value - r.llm_value) > 1e-3 AND ABS(r.refined_value - e.estimate) > 1e-3")) >
        rows / 2);
  // The LLM's own (calibrated) level is kept beside it.
  CHECK(scalar(db, "SELECT COUNT(*)" + joined + " AND r.llm_value IS NULL") == "0");
}
