// Pure parts: reference occupations, the grounded prompt, retry waits, Retry-After, the wire
// formats, the rate limiter, the cassette, the values written with the dataset.
#include <catch2/catch.hpp>

#include <atomic>

#include <chrono>
#include <thread>

#include "llm_test_util.hpp"
#include "nodes/llm/cassette.hpp"
#include "nodes/llm/dataset.hpp"
#include "nodes/llm/prompt.hpp"
#include "nodes/llm/rate_limiter.hpp"
#include "nodes/llm/retry_policy.hpp"
#include "nodes/llm/similarity.hpp"
#include "nodes/llm/values.hpp"
#include "nodes/llm/wire_format.hpp"
#include "support/test_support.hpp"

using nlohmann::json;

TEST_CASE("SOC levels shared by two codes", "[llm][similarity]") {
  CHECK(llm::shared_soc_level("15-1252.00", "15-1252.01") == 4);
  CHECK(llm::shared_soc_level("15-1252.00", "15-1251.00") == 3);
  CHECK(llm::shared_soc_level("15-1252.00", "15-1211.00") == 2);
  CHECK(llm::shared_soc_level("15-1252.00", "15-2011.00") == 1);
  CHECK(llm::shared_soc_level("15-1252.00", "11-1011.00") == 0);
}

TEST_CASE("references: SOC group first, then description overlap, never the occupation itself", "[llm][similarity]") {
  std::vector<llm::OccupationText> rated = {
      {"15-1252.00", "Software Developers", "Design and develop computer software applications."},
      {"15-1251.00", "Computer Programmers", "Write and test code for computer software applications."},
      {"15-2011.00", "Actuaries", "Analyze statistical data to estimate insurance risk."},
      {"43-9021.00", "Data Entry Keyers", "Operate computer keyboards to enter data for software applications."},
      {"11-1011.00", "Chief Executives", "Plan and direct the operations of organizations."},
      {"29-1141.00", "Registered Nurses", "Assess patient health problems and care for patients."}};
  llm::ReferenceFinder f(rated);
  auto r = f.find(rated[0], 3);
  REQUIRE(r.size() == 3);
  CHECK(r[0].code == "15-1251.00");  // same broad occupation
  CHECK(std::string(r[0].why()) == "same broad occupation");
  CHECK(r[1].code == "15-2011.00");  // same major group beats a closer description
  CHECK(r[2].code == "43-9021.00");  // then by word overlap
  CHECK(r[2].overlap > 0);
  for (const auto& x : r) CHECK(x.code != "15-1252.00");

  // An unrated occupation (not a candidate) gets references the same way.
  auto u = f.find({"15-1299.08", "Computer Systems Engineers", "Design computer software systems."}, 2);
  CHECK(u[0].shared_level == 2);
  CHECK(llm::content_words("The Design, and design of SOFTWARE for 3D") == std::vector<std::string>{"design", "software"});
}

TEST_CASE("references: the occupation's text neighbours when text_estimate ran, rated and never itself", "[llm][prompt]") {
  auto tables = llmtest::mini_tables();
  auto d = llm::build_dataset(tables, {"2.A", "2.B"});
  const auto& occ = *std::find_if(d.occupations.begin(), d.occupations.end(),
                                  [](const onet::OccupationRow& o) { return o.code == "15-9901.00"; });
  std::vector<std::string> rated;
  for (const auto& [code, values] : d.lv)
    if (code != occ.code) rated.push_back(code);
  REQUIRE(rated.size() >= 3);
  // Most similar first, as text_estimate lists them; itself and an unrated occupation are skipped.
  d.text_neighbours[occ.code] = {{occ.code, 1.0}, {rated[2], 0.91}, {"47-9901.00", 0.9}, {rated[0], 0.456}, {rated[1], 0.3}};
  llm::PromptBuilder pb(d, 2);
  auto refs = pb.references_for(occ);
  REQUIRE(refs.size() == 2);
  CHECK(refs[0].code == rated[2]);
  CHECK(refs[1].code == rated[0]);
  CHECK(refs[1].text_similarity == Approx(0.456));
  CHECK(std::string(refs[0].why()) == "most similar by O*NET's text");
  const auto r = pb.build_full(occ);
  CHECK(r.user.find("(most similar by O*NET's text, similarity 0.91):") != std::string::npos);
  CHECK(r.user.find("(most similar by O*NET's text, similarity 0.46):") != std::string::npos);
  CHECK(r.user.find("- 47-9901.00") == std::string::npos);
  CHECK(r.user.find("- 15-9901.00 ") == std::string::npos);
  // The prompt changed with its references, so its hash did.
  llm::Dataset plain = llm::build_dataset(tables, {"2.A", "2.B"});
  CHECK(llm::PromptBuilder(plain, 2).build_full(occ).hash != r.hash);
  // No neighbour left after the filter (or none listed): the SOC ranking, as without text_estimate.
  d.text_neighbours[occ.code] = {{occ.code, 1.0}, {"47-9901.00", 0.9}};
  auto fallback = llm::PromptBuilder(d, 2).references_for(occ);
  REQUIRE(fallback.size() == 2);
  CHECK_FALSE(fallback[0].text_similarity);
  CHECK(fallback[0].code == llm::PromptBuilder(plain, 2).references_for(occ)[0].code);
}

TEST_CASE("the prompt is grounded and never shows the occupation's own values", "[llm][prompt]") {
  auto tables = llmtest::mini_tables();
  auto d = llm::build_dataset(tables, {"2.A", "2.B"});
  REQUIRE(d.scope.size() == 8);
  CHECK(d.scope[0].id == "2.A.1.a");  // Content Model order, leaves only
  CHECK(d.lv.size() == 6);            // rated occupations
  CHECK_FALSE(d.rated("47-9901.00"));
  CHECK(d.lv_min == 0);
  CHECK(d.lv_max == 7);

  llm::PromptBuilder pb(d, 3);
  const auto& occ = *std::find_if(d.occupations.begin(), d.occupations.end(),
                                  [](const onet::OccupationRow& o) { return o.code == "15-9901.00"; });
  auto r = pb.build_full(occ);
  CHECK(r.element_ids.size() == 8);
  CHECK(r.user.find("Occupation code: 15-9901.00") != std::string::npos);
  CHECK(r.user.find(occ.title) != std::string::npos);
  CHECK(r.user.find(occ.description) != std::string::npos);
  for (const auto& e : d.scope) {
    CHECK(r.user.find("- " + e.id + " | " + e.name + " | " + e.description) != std::string::npos);
  }
  CHECK(r.user.find("\"Level\" scale (scale id LV), from 0 to 7") != std::string::npos);
  // References are other rated occupations, with their values.
  auto refs = pb.references_for(occ);
  REQUIRE(refs.size() == 3);
  for (const auto& ref : refs) {
    CHECK(ref.code != "15-9901.00");
    CHECK(d.rated(ref.code));
    char v[16];
    std::snprintf(v, sizeof v, "%.2f", d.lv.at(ref.code).at("2.B.3.e").value);
    CHECK(r.user.find("2.B.3.e=" + std::string(v)) != std::string::npos);
  }
  CHECK(refs[0].shared_level >= refs[2].shared_level);
  // Its own Programming LV (5.12 in the fixture) appears nowhere as a reference value.
  CHECK(r.user.find("2.B.3.e=5.12") == std::string::npos);

  // Deterministic, and the schema names exactly the asked ids.
  CHECK(pb.build_full(occ).hash == r.hash);
  CHECK(r.hash.size() == 64);
  CHECK(r.schema["properties"]["skills"]["items"]["properties"]["element_id"]["enum"].size() == 8);
  auto sub = pb.build(occ, {"2.A.1.b", "2.B.3.e"});
  CHECK(sub.hash != r.hash);
  CHECK(sub.user.find("- 2.A.1.a |") == std::string::npos);
  CHECK(sub.user.find("these element ids, and no other: 2.A.1.b, 2.B.3.e") != std::string::npos);
}

TEST_CASE("the prompt hash changes with the data it shows", "[llm][prompt]") {
  auto tables = llmtest::mini_tables();
  auto d1 = llm::build_dataset(tables, {"2.A", "2.B"});
  auto changed = std::make_shared<onet::TableBatch>(*tables[3]);
  for (auto& row : changed->ratings) {
    if (row.code == "11-9902.00" && row.scale_id == "LV") row.value = 1.23;
  }
  tables[3] = changed;
  auto d2 = llm::build_dataset(tables, {"2.A", "2.B"});
  llm::PromptBuilder a(d1, 3), b(d2, 3);
  const auto& occ = d1.occupations.front();  // 11-9901.00: 11-9902.00 is its closest reference
  CHECK(a.build_full(occ).hash != b.build_full(occ).hash);
  // 11-9902.00's own prompt does not show its own values, so it does not change.
  const auto& self = *std::find_if(d1.occupations.begin(), d1.occupations.end(),
                                   [](const onet::OccupationRow& o) { return o.code == "11-9902.00"; });
  CHECK(a.build_full(self).hash == b.build_full(self).hash);
}

TEST_CASE("a scope that selects nothing is an error naming it", "[llm][prompt]") {
  auto tables = llmtest::mini_tables();
  CHECK_THROWS_WITH(llm::build_dataset(tables, {"9.Z"}), Catch::Contains("9.Z") && Catch::Contains("no element"));
}

TEST_CASE("retry waits grow exponentially with jitter, capped, Retry-After a lower bound", "[llm][retry]") {
  llm::RetryPolicy p;
  p.base = std::chrono::milliseconds(100);
  p.max_backoff = std::chrono::milliseconds(1000);
  CHECK(p.wait(0, 0.0, std::nullopt).count() == 50);
  CHECK(p.wait(0, 0.999999, std::nullopt).count() == 100);
  CHECK(p.wait(2, 0.0, std::nullopt).count() == 200);
  CHECK(p.wait(3, 0.5, std::nullopt).count() == 600);
  CHECK(p.wait(10, 1.0, std::nullopt).count() == 1000);
  CHECK(p.wait(0, 0.0, 0.7).count() == 700);
  CHECK(p.wait(0, 0.0, 30.0).count() == 1000);  // capped

  CHECK(*llm::parse_retry_after("2") == 2.0);
  CHECK(*llm::parse_retry_after(" 1.5 ") == 1.5);
  CHECK_FALSE(llm::parse_retry_after("soon"));
  CHECK_FALSE(llm::parse_retry_after(""));
  auto now = std::chrono::system_clock::from_time_t(1445412470);  // 2015-10-21 07:27:50 UTC
  CHECK(*llm::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now) == Approx(10.0));
  CHECK(*llm::parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now) == 0.0);
}

TEST_CASE("gemini wire format: request and answers", "[llm][wire]") {
  auto w = llm::make_wire_format("gemini");
  REQUIRE(w);
  llm::Request r;
  r.system = "sys";
  r.user = "usr";
  r.schema = llm::answer_schema({"2.A.1.a", "2.B.3.e"});
  auto body = json::parse(w->body(r, "gemini-x", 0));
  CHECK(body["contents"][0]["parts"][0]["text"] == "usr");
  CHECK(body["systemInstruction"]["parts"][0]["text"] == "sys");
  CHECK(body["generationConfig"]["responseMimeType"] == "application/json");
  const auto& s = body["generationConfig"]["responseSchema"];
  CHECK(s["type"] == "OBJECT");
  CHECK_FALSE(s.contains("additionalProperties"));
  CHECK(s["properties"]["skills"]["items"]["properties"]["element_id"]["format"] == "enum");
  CHECK(s["properties"]["skills"]["items"]["properties"]["level"]["type"] == "NUMBER");
  CHECK(w->path("https://x", "models/gemini-x") == "/v1beta/models/gemini-x:generateContent");
  CHECK(w->headers("k")[0].first == "x-goog-api-key");

  auto read = [&](const std::string& b) {
    llm::Reply rep;
    rep.body = b;
    w->read(rep);
    return rep;
  };
  auto ok = read(R"({"candidates":[{"content":{"parts":[{"text":"{\"a\":"},{"text":"1}"}]},"finishReason":"STOP"}],
                     "usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":5}})");
  CHECK(ok.outcome == llm::Outcome::Ok);
  CHECK(ok.text == "{\"a\":1}");
  CHECK(*ok.prompt_tokens == 12);
  CHECK(*ok.completion_tokens == 5);
  CHECK(read(R"({"candidates":[],"promptFeedback":{"blockReason":"SAFETY"}})").outcome == llm::Outcome::Blocked);
  CHECK(read(R"({"candidates":[]})").outcome == llm::Outcome::Empty);
  CHECK(read(R"({})").outcome == llm::Outcome::Empty);
  CHECK(read(R"({"candidates":[{"content":{"parts":[]},"finishReason":"SAFETY"}]})").outcome == llm::Outcome::Blocked);
  CHECK(read(R"({"candidates":[{"finishReason":"MAX_TOKENS"}]})").outcome == llm::Outcome::Empty);
  CHECK(read("not json").outcome == llm::Outcome::Empty);
}

TEST_CASE("openai wire format: request and answers", "[llm][wire]") {
  auto w = llm::make_wire_format("openai");
  llm::Request r;
  r.system = "sys";
  r.user = "usr";
  r.schema = llm::answer_schema({"2.A.1.a"});
  auto body = json::parse(w->body(r, "gpt-x", 0));
  CHECK(body["model"] == "gpt-x");
  CHECK(body["messages"][0]["role"] == "system");
  CHECK(body["messages"][1]["content"] == "usr");
  CHECK(body["response_format"]["type"] == "json_schema");
  CHECK(body["response_format"]["json_schema"]["strict"] == true);
  CHECK(body["response_format"]["json_schema"]["schema"]["additionalProperties"] == false);
  CHECK(w->path("http://localhost:11434", "m") == "/v1/chat/completions");
  CHECK(w->path("http://localhost:8000/v1/", "m") == "/chat/completions");
  CHECK(w->headers("").empty());
  CHECK(w->headers("sk")[0].second == "Bearer sk");

  auto read = [&](const std::string& b) {
    llm::Reply rep;
    rep.body = b;
    w->read(rep);
    return rep;
  };
  auto ok = read(
      R"({"choices":[{"message":{"content":"{}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1}})");
  CHECK(ok.outcome == llm::Outcome::Ok);
  CHECK(*ok.completion_tokens == 1);
  CHECK(read(R"({"choices":[{"message":{"content":null,"refusal":"I can't"},"finish_reason":"stop"}]})").outcome ==
        llm::Outcome::Blocked);
  CHECK(read(R"({"choices":[{"message":{"content":null},"finish_reason":"content_filter"}]})").outcome == llm::Outcome::Blocked);
  CHECK(read(R"({"choices":[{"message":{"content":""},"finish_reason":"length"}]})").outcome == llm::Outcome::Empty);
  CHECK(read(R"({"choices":[]})").outcome == llm::Outcome::Empty);
}

namespace {
// Virtual time for the rate limiter: a wait until a moment moves the clock there at once (no
// real sleeping), unless `hold` is set: then it blocks on the condition variable until a
// notification (stop()), counting itself in `waiting` so that the test knows when to act.
struct VirtualTime {
  std::atomic<long long> ms{1000000};
  std::atomic<bool> hold{false};
  std::atomic<int> waiting{0};
  llm::TimeSource source() {
    using C = llm::TimeSource::Clock;
    return {[this] { return C::time_point(std::chrono::milliseconds(ms.load())); },
            [this](std::unique_lock<std::mutex>& lock, std::condition_variable& cv, C::time_point at) {
              if (hold) {
                ++waiting;
                cv.wait(lock);
                --waiting;
                return;
              }
              const auto to = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
              if (to > ms) ms = to;
            }};
  }
};
}  // namespace

TEST_CASE("the rate limiter spaces request starts and honours a pause", "[llm][limiter]") {
  VirtualTime vt;
  llm::RateLimiter lim(600, vt.source());  // one every 100 ms
  const long long t0 = vt.ms;
  for (int i = 0; i < 4; ++i) REQUIRE(lim.acquire());
  CHECK(vt.ms - t0 == 300);  // starts at 0, 100, 200, 300 ms: exactly, in virtual time

  llm::RateLimiter open(0, vt.source());
  open.pause_for(std::chrono::milliseconds(150));
  const long long t1 = vt.ms;
  REQUIRE(open.acquire());
  CHECK(vt.ms - t1 == 150);
  REQUIRE(open.acquire());  // no limit after the pause
  CHECK(vt.ms - t1 == 150);

  const long long t2 = vt.ms;
  CHECK(open.sleep_for(std::chrono::milliseconds(250)));
  CHECK(vt.ms - t2 == 250);
}

TEST_CASE("the rate limiter's waits end on stop(), however long the pause", "[llm][limiter]") {
  VirtualTime vt;
  vt.hold = true;  // waits block until notified: only stop() can end them
  llm::RateLimiter stopping(0, vt.source());
  stopping.pause_for(std::chrono::seconds(30));
  bool acquired = true;
  std::thread t([&] { acquired = stopping.acquire(); });
  while (vt.waiting.load() == 0) std::this_thread::yield();  // acquire() is waiting out the pause
  stopping.stop();
  t.join();
  CHECK_FALSE(acquired);
  CHECK(stopping.stopped());
  CHECK_FALSE(stopping.sleep_for(std::chrono::seconds(30)));  // already stopped: returns at once
  CHECK_FALSE(stopping.acquire());
}

TEST_CASE("cassette: append, reload, last entry wins, bad lines named", "[llm][cassette]") {
  testing_support::TempDir dir("llm-cassette");
  const auto path = (dir / "sub/c.jsonl").string();
  {
    llm::Cassette c(path, llm::Cassette::Mode::Append);
    c.append({"k1", "openai", "m", 200, "first"});
    c.append({"k2", "gemini", "m", 200, "other"});
    c.append({"k1", "openai", "m", 200, "second"});
  }
  llm::Cassette r(path, llm::Cassette::Mode::Read);
  CHECK(r.size() == 2);
  CHECK(r.find("k1")->body == "second");
  CHECK(r.find("k2")->provider == "gemini");
  CHECK_FALSE(r.find("k3"));
  testing_support::write_file(dir / "bad.jsonl", "{\"key\":\"a\",\"provider\":\"x\",\"body\":\"\"}\nnot json\n");
  CHECK_THROWS_WITH(llm::Cassette((dir / "bad.jsonl").string(), llm::Cassette::Mode::Read), Catch::Contains("bad.jsonl:2"));
  CHECK_THROWS_WITH(llm::Cassette((dir / "none.jsonl").string(), llm::Cassette::Mode::Read),
                    Catch::Contains("cannot read the cassette"));
}

TEST_CASE("values: calibrated LLM levels, blend on O*NET rows, LLM-only rows elsewhere", "[llm][values]") {
  auto tables = llmtest::mini_tables();
  auto d = llm::build_dataset(tables, {"2.A", "2.B"});
  std::vector<llm::OccupationResult> results;
  for (const auto& o : d.occupations) {
    llm::OccupationResult r;
    r.code = o.code;
    r.prompt_hash = "h-" + o.code;
    for (const auto& e : d.scope) {
      auto it = d.lv.find(o.code);
      double onet = it != d.lv.end() && it->second.count(e.id) ? it->second.at(e.id).value : 3.0;
      r.answers[e.id] = {0.5 * onet + 2.0, "", std::nullopt};  // raw = 0.5 onet + 2  =>  onet = 2 raw - 4
    }
    results.push_back(std::move(r));
  }
  llm::BlendOptions bo;
  auto v = llm::compute_values(d, results, 5, 30, bo);
  REQUIRE(v.calibration.fitted);
  CHECK(v.calibration.map.slope == Approx(2.0));
  CHECK(v.calibration.map.intercept == Approx(-4.0));
  CHECK(v.llm.at("15-9901.00").at("2.B.3.e") == Approx(5.12));
  CHECK(v.llm.at("47-9901.00").at("2.A.1.a") == Approx(3.0));  // unrated: raw 3.5 -> 3.0
  CHECK(v.journal_updates.size() == 8);                        // nothing stored yet: every occupation
  for (auto& r : results) {
    for (auto& [id, a] : r.answers) a.stored_calibrated = v.llm.at(r.code).at(id);
  }
  results[2].answers.begin()->second.stored_calibrated = -1.0;
  auto again = llm::compute_values(d, results, 5, 30, bo);
  REQUIRE(again.journal_updates.size() == 1);  // only the one whose stored level differs
  CHECK(again.journal_updates[0].first == results[2].code);

  auto skills = std::find_if(tables.begin(), tables.end(), [](const auto& t) { return t->table == "Skills"; });
  auto enriched = llm::enrich_chunk(**skills, v);
  REQUIRE(enriched);
  for (const auto& row : enriched->ratings) {
    if (row.scale_id == "IM") {
      CHECK_FALSE(row.llm_value);
      CHECK_FALSE(row.refined_value);
      continue;
    }
    REQUIRE(row.llm_value);
    CHECK(*row.llm_value == Approx(row.value).margin(1e-9));  // a perfect model
    CHECK(*row.refined_value == Approx(row.value).margin(1e-9));
    CHECK(row.value_source == "file");
  }
  auto extra = llm::llm_only_rows(d, v);
  CHECK(extra.size() == 2 * 8);  // 29-9901.00 and 47-9901.00 have no Skills rows
  for (const auto& row : extra) {
    CHECK(row.value_source == "llm");
    CHECK(row.scale_id == "LV");
    CHECK(*row.llm_value == *row.refined_value);
    CHECK_FALSE(row.standard_error);
  }
  // A chunk without LV rows of enriched occupations is forwarded as is.
  CHECK_FALSE(llm::enrich_chunk(*tables[0], v));

  // With a text estimate (issue 11): the unrated occupation's refined value is the
  // precision-weighted blend of it and the calibrated level, each by its own uncertainty.
  d.text_lv["47-9901.00"]["2.A.1.a"] = {5.0, 0.5};  // text: 5.0, sd 0.5
  d.text_lv["47-9901.00"]["2.A.1.b"] = {1.0, 0.25};
  auto blended = v;
  blended.calibration.residual_sd = 0.5;  // the LLM's held-out residual
  std::map<std::string, double> refined;
  for (const auto& row : llm::llm_only_rows(d, blended)) {
    CHECK(*row.llm_value == blended.llm.at(row.code).at(row.element_id));  // the LLM's own level is kept
    if (row.code == "47-9901.00") refined[row.element_id] = *row.refined_value;
    if (row.code == "29-9901.00") CHECK(*row.refined_value == *row.llm_value);  // no text estimate: unchanged
  }
  const double llm_a = blended.llm.at("47-9901.00").at("2.A.1.a"), llm_b = blended.llm.at("47-9901.00").at("2.A.1.b");
  CHECK(refined.at("2.A.1.a") == Approx((5.0 + llm_a) / 2));  // equal precisions: the mean
  // sd 0.25 against 0.5: four times the weight of the LLM's level.
  CHECK(refined.at("2.A.1.b") == Approx((4 * 1.0 + llm_b) / 5));
  CHECK(refined.at("2.A.1.e") == Approx(blended.llm.at("47-9901.00").at("2.A.1.e")));  // no text value for it
}
