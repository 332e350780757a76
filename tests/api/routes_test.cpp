// The routes as a function Request -> Response (no sockets), on the onet_mini fixture loaded
// by the real pipeline and on a hand-made dataset.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>

#include "api/app.hpp"
#include "api/envelope.hpp"
#include "nodes/gap/batches.hpp"
#include "api_test_support.hpp"
#include "failing_repository.hpp"
#include "gap_test_db.hpp"
#include "support/test_support.hpp"

using apitest::config_for;
using apitest::mini_db_url;
using nlohmann::json;

namespace {

struct Got {
  api::Response r;
  json body;
};

Got call(api::App& app, const std::string& path, const std::string& query = "", const std::string& method = "GET") {
  Got g;
  g.r = app.handle({method, path, query});
  if (g.r.content_type.starts_with("application/json")) g.body = json::parse(g.r.body);
  return g;
}

std::string header(const api::Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

void check_error(const Got& g, int status, const std::string& error, const std::string& message = "") {
  INFO(g.r.body);
  CHECK(g.r.status == status);
  CHECK(g.body["success"] == false);
  CHECK(g.body["error"] == error);
  if (!message.empty()) CHECK(g.body["message"] == message);
}

void check_skill_gap_error(const Got& g, int status, const std::string& error, const std::string& message = "") {
  check_error(g, status, error, message);
  CHECK(g.body["result"]["skill_gaps"] == json::array());
}

}  // namespace

// One App over the fixture for the whole file (construction builds the subgraph once).
namespace {
api::App& app() {
  static std::unique_ptr<api::App> a = [] {
    auto p = std::make_unique<api::App>(config_for(mini_db_url()));
    p->start();
    return p;
  }();
  return *a;
}
}  // namespace

TEST_CASE("skill-gap: the envelope, value by value against SQL", "[api][routes]") {
  auto g = call(app(), "/skill-gap", "from=15-9901.00&to=11-9901.00");
  REQUIRE(g.r.status == 200);
  CHECK(g.r.body.starts_with(R"({"success":true,"message":)"));
  CHECK(
      g.body["message"] ==
      "Successfully identified skill gap from 'Quantum Spreadsheet Developers' to 'Chief Lantern Officers' based on 'LV' scale.");
  const auto& res = g.body["result"];
  CHECK(res["from_occupation_title"] == "Quantum Spreadsheet Developers");
  CHECK(res["to_occupation_title"] == "Chief Lantern Officers");
  CHECK(res["from_occupation_code"] == "15-9901.00");
  CHECK(res["to_occupation_code"] == "11-9901.00");
  CHECK(res["onet_release"] == "0.0-mini");
  CHECK(res["value_source"] == "onet");
  CHECK(res["scale_id"] == "LV");
  auto ref = apitest::reference_gaps(mini_db_url(), "15-9901.00", "11-9901.00");
  REQUIRE_FALSE(ref.empty());
  const auto& gaps = res["skill_gaps"];
  REQUIRE(gaps.size() == ref.size());
  CHECK(res["gap_count"] == ref.size());
  for (std::size_t i = 0; i < ref.size(); ++i) {
    INFO("row " << i << ": " << gaps[i].dump());
    CHECK(gaps[i]["element_id"] == ref[i].element_id);
    CHECK(gaps[i]["element_name"] == ref[i].element_name);
    CHECK(gaps[i]["scale_id"] == "LV");
    CHECK(gaps[i]["from_data_value"].get<double>() == ref[i].from);
    CHECK(gaps[i]["to_data_value"].get<double>() == ref[i].to);
    CHECK(gaps[i]["gap"].get<double>() == ref[i].gap);
    if (ref[i].importance)
      CHECK(gaps[i]["importance"].get<double>() == *ref[i].importance);
    else
      CHECK(gaps[i]["importance"].is_null());
  }
  // Field order of a gap as documented.
  CHECK(g.r.body.find(R"("skill_gaps":[{"element_id":)") != std::string::npos);
}

TEST_CASE("skill-gap: every ordered pair of the fixture agrees with SQL", "[api][routes]") {
  const char* rated[] = {"11-9901.00", "11-9902.00", "15-9901.00", "15-9902.00", "15-9903.01", "17-9901.00"};
  for (const char* from : rated) {
    for (const char* to : rated) {
      INFO(from << " -> " << to);
      auto g = call(app(), "/skill-gap", std::string("from=") + from + "&to=" + to);
      REQUIRE(g.r.status == 200);
      auto ref = apitest::reference_gaps(mini_db_url(), from, to);
      const auto& gaps = g.body["result"]["skill_gaps"];
      REQUIRE(gaps.size() == ref.size());
      for (std::size_t i = 0; i < ref.size(); ++i) {
        CHECK(gaps[i]["element_id"] == ref[i].element_id);
        CHECK(gaps[i]["gap"].get<double>() == ref[i].gap);
      }
      if (std::string(from) == to) CHECK(gaps.empty());
    }
  }
}

TEST_CASE("skill-gap: same code, short codes", "[api][routes]") {
  auto same = call(app(), "/skill-gap", "from=15-9901.00&to=15-9901.00");
  CHECK(same.r.status == 200);
  CHECK(same.body["result"]["skill_gaps"] == json::array());
  CHECK(same.body["success"] == true);

  auto shortc = call(app(), "/skill-gap", "from=15-9901&to=11-9901");
  CHECK(shortc.r.status == 200);
  CHECK(shortc.body["result"]["from_occupation_code"] == "15-9901.00");
  CHECK(shortc.body["result"]["to_occupation_code"] == "11-9901.00");
  CHECK(shortc.body["result"]["skill_gaps"] ==
        call(app(), "/skill-gap", "from=15-9901.00&to=11-9901.00").body["result"]["skill_gaps"]);

  // Short form of a code whose .00 does not exist: not found under the normalized code.
  check_skill_gap_error(call(app(), "/skill-gap", "from=15-9903&to=11-9901"), 404, "occupation_not_found",
                        "Error: Occupation code 15-9903.00 not found.");
}

TEST_CASE("skill-gap: parameter errors by status, code and message", "[api][routes]") {
  const std::string missing = "Error: Missing 'from' or 'to' occupation code parameter.";
  for (const char* q : {"", "from=15-9901.00", "to=15-9901.00", "from=&to=11-9901.00", "from=15-9901.00&to="}) {
    INFO(q);
    check_skill_gap_error(call(app(), "/skill-gap", q), 400, "missing_parameter", missing);
  }
  check_skill_gap_error(call(app(), "/skill-gap", "from=15-99&to=11-9901.00"), 400, "invalid_occupation_code",
                        "Error: Invalid occupation code '15-99' for parameter 'from' (expected NN-NNNN.NN or NN-NNNN).");
  check_skill_gap_error(call(app(), "/skill-gap", "from=15-9901.00&to=x"), 400, "invalid_occupation_code",
                        "Error: Invalid occupation code 'x' for parameter 'to' (expected NN-NNNN.NN or NN-NNNN).");
  check_skill_gap_error(call(app(), "/skill-gap", "from=15-9901.00&to=11-9901.00&color=red"), 400, "unknown_parameter",
                        "Error: Unknown parameter 'color' (allowed: domain, from, include_not_relevant, min_gap, "
                        "min_importance, significant_only, source, to).");
  check_skill_gap_error(call(app(), "/skill-gap", "from=15-9901.00&to=11-9901.00&from=11-9902.00"), 400, "repeated_parameter",
                        "Error: Parameter 'from' is given more than once.");
  struct Bad {
    const char* q;
    const char* message;
  };
  for (const Bad& b : {
           Bad{"min_gap=-1", "Error: Invalid value '-1' for parameter 'min_gap' (expected a number from 0 to 7)."},
           Bad{"min_gap=abc", "Error: Invalid value 'abc' for parameter 'min_gap' (expected a number from 0 to 7)."},
           Bad{"min_gap=nan", nullptr},
           Bad{"min_gap=inf", nullptr},
           Bad{"min_gap=1e400", nullptr},
           Bad{"min_gap=7.5", nullptr},
           Bad{"min_gap=1.0x", nullptr},
           Bad{"min_gap=", nullptr},
           Bad{"min_importance=6", "Error: Invalid value '6' for parameter 'min_importance' (expected a number from 0 to 5)."},
           Bad{"include_not_relevant=yes",
               "Error: Invalid value 'yes' for parameter 'include_not_relevant' (expected true or false)."},
           Bad{"source=gpt", "Error: Invalid value 'gpt' for parameter 'source' (expected onet, estimate, llm or refined)."},
           Bad{"domain=abilities",
               "Error: Invalid value 'abilities' for parameter 'domain' (expected skills, knowledge or all)."},
       }) {
    INFO(b.q);
    auto g = call(app(), "/skill-gap", std::string("from=15-9901.00&to=11-9901.00&") + b.q);
    check_skill_gap_error(g, 400, "invalid_parameter", b.message ? b.message : "");
  }
}

TEST_CASE("skill-gap: unknown occupations and occupations without ratings", "[api][routes]") {
  check_skill_gap_error(call(app(), "/skill-gap", "from=99-9999.00&to=11-9901.00"), 404, "occupation_not_found",
                        "Error: Occupation code 99-9999.00 not found.");
  check_skill_gap_error(call(app(), "/skill-gap", "from=11-9901.00&to=99-9999"), 404, "occupation_not_found",
                        "Error: Occupation code 99-9999.00 not found.");
  // Both unknown: either is named (the lookups run in parallel).
  auto both = call(app(), "/skill-gap", "from=99-0001.00&to=99-0002.00");
  check_skill_gap_error(both, 404, "occupation_not_found");
  auto msg = both.body["message"].get<std::string>();
  CHECK((msg.find("99-0001.00") != std::string::npos || msg.find("99-0002.00") != std::string::npos));

  // O*NET's own values asked for explicitly (under `auto` these occupations are answered from
  // their text estimates: see "skill-gap: unrated occupations are answered from text estimates").
  check_skill_gap_error(call(app(), "/skill-gap", "from=11-9901.00&to=47-9901.00&source=onet"), 404, "no_ratings");
  check_skill_gap_error(call(app(), "/skill-gap", "from=47-9901.00&to=11-9901.00&source=onet"), 404, "no_ratings");
  // Knowledge but no skills: no skill ratings; the knowledge domain works.
  check_skill_gap_error(call(app(), "/skill-gap", "from=11-9901.00&to=29-9901.00&source=onet"), 404, "no_ratings");
  auto k = call(app(), "/skill-gap", "from=11-9901.00&to=29-9901.00&domain=knowledge");
  REQUIRE(k.r.status == 200);
  CHECK(k.body["result"]["domain"] == "knowledge");
  for (const auto& gp : k.body["result"]["skill_gaps"]) CHECK(gp["element_id"].get<std::string>().starts_with("2.C."));
  // No LLM data loaded: an explicit llm source has nothing to compare.
  check_skill_gap_error(call(app(), "/skill-gap", "from=11-9901.00&to=15-9901.00&source=llm"), 404, "no_ratings");
}

TEST_CASE("skill-gap: options on the fixture", "[api][routes]") {
  auto base = call(app(), "/skill-gap", "from=11-9902.00&to=15-9902.00");
  REQUIRE(base.r.status == 200);
  const auto& all = base.body["result"]["skill_gaps"];
  REQUIRE(all.size() >= 2);

  auto mg = call(app(), "/skill-gap", "from=11-9902.00&to=15-9902.00&min_gap=1.5");
  std::size_t expect = 0;
  for (const auto& gp : all) expect += gp["gap"].get<double>() >= 1.5 ? 1 : 0;
  CHECK(mg.body["result"]["skill_gaps"].size() == expect);
  for (const auto& gp : mg.body["result"]["skill_gaps"]) CHECK(gp["gap"].get<double>() >= 1.5);

  auto mi = call(app(), "/skill-gap", "from=11-9902.00&to=15-9902.00&min_importance=3.5");
  std::size_t expect_im = 0;
  for (const auto& gp : all) expect_im += !gp["importance"].is_null() && gp["importance"].get<double>() >= 3.5 ? 1 : 0;
  CHECK(mi.body["result"]["skill_gaps"].size() == expect_im);
  CHECK(mi.body["result"]["options"]["min_importance"] == 3.5);

  auto src = call(app(), "/skill-gap", "from=11-9902.00&to=15-9902.00&source=onet");
  CHECK(src.body["result"]["skill_gaps"] == all);
  auto refined = call(app(), "/skill-gap", "from=11-9902.00&to=15-9902.00&source=refined");
  CHECK(refined.body["result"]["value_source"] == "refined");
  // No enrichment: refined falls back to O*NET's values (only the value-source labels differ).
  auto without_sources = [](json gaps) {
    for (auto& g : gaps) {
      g.erase("from_value_source");
      g.erase("to_value_source");
    }
    return gaps;
  };
  CHECK(without_sources(refined.body["result"]["skill_gaps"]) == without_sources(all));

  auto boolean = call(app(), "/skill-gap", "from=11-9902.00&to=15-9902.00&include_not_relevant=false");
  CHECK(boolean.body["result"]["skill_gaps"] == all);
}

TEST_CASE("skill-gap: include_not_relevant and importance on a hand-made dataset", "[api][routes]") {
  testing_support::TempDir dir("apitiny");
  const std::string url = "sqlite:" + (dir / "tiny.db").string();
  gaptest::exec_sql(url, gaptest::tiny_dataset());
  api::App tiny(config_for(url));
  tiny.start();
  auto plain = call(tiny, "/skill-gap", "from=11-0001.00&to=11-0002.00");
  REQUIRE(plain.r.status == 200);
  auto gaps = plain.body["result"]["skill_gaps"];
  REQUIRE(gaps.size() == 2);
  CHECK(gaps[0] == json::parse(R"({"element_id":"2.A.1.a","element_name":"Reading Comprehension","scale_id":"LV",
      "from_data_value":3.12,"to_data_value":4.5,"gap":1.38,"importance":4.25,"from_missing":false,"estimated":false,
      "from_value_source":"onet","to_value_source":"onet","from_estimated":false,"to_estimated":false,
      "from_sd":null,"to_sd":null,"significant":null,"domain":"skills","from_anchor":null,"to_anchor":null})"));
  CHECK(gaps[1]["element_id"] == "2.A.2.a");
  CHECK(gaps[1]["from_data_value"] == 0.0);
  CHECK(gaps[1]["from_missing"] == true);
  CHECK(plain.body["result"]["required_count"] == 3);

  auto nr = call(tiny, "/skill-gap", "from=11-0001.00&to=11-0002.00&include_not_relevant=true");
  auto nr_gaps = nr.body["result"]["skill_gaps"];
  REQUIRE(nr_gaps.size() == 3);
  CHECK(nr_gaps[0]["element_id"] == "2.B.3.e");  // from 0 to 2.00: the largest gap
  CHECK(nr_gaps[0]["not_relevant"] == true);
  CHECK(nr_gaps[0]["importance"].is_null());
  CHECK(nr_gaps[1]["not_relevant"] == false);

  auto mi = call(tiny, "/skill-gap", "from=11-0001.00&to=11-0002.00&min_importance=4.25");
  REQUIRE(mi.body["result"]["skill_gaps"].size() == 1);
  CHECK(mi.body["result"]["skill_gaps"][0]["element_id"] == "2.A.1.a");
  // No knowledge ratings for the target, but knowledge is loaded (source has one).
  check_skill_gap_error(
      call(tiny, "/skill-gap", "from=11-0001.00&to=11-0002.00&domain=knowledge"), 404, "no_ratings",
      "Error: Occupation code 11-0002.00 (Target Occ) has no knowledge ratings, so no skill gap can be computed.");
}

TEST_CASE("skill-gap: value sources when LLM data is loaded", "[api][routes]") {
  testing_support::TempDir dir("apillm");
  const std::string url = "sqlite:" + (dir / "tiny.db").string();
  auto rows = gaptest::tiny_dataset();
  // Enrichment: the source's 2.A.1.a refined to 4.50 (closing that gap), an LLM estimate for
  // the target's 2.A.2.a, and an LLM-only row the target gains.
  rows.push_back(
      "UPDATE occupation_ratings SET llm_value = 4.6, refined_value = 4.5 WHERE onetsoc_code = '11-0001.00' AND element_id = "
      "'2.A.1.a' AND scale_id = 'LV'");
  rows.push_back(
      "UPDATE occupation_ratings SET llm_value = 3.0, refined_value = 1.5 WHERE onetsoc_code = '11-0002.00' AND element_id = "
      "'2.A.2.a' AND scale_id = 'LV'");
  gaptest::exec_sql(url, rows);
  api::App a(config_for(url));
  a.start();
  // auto: both occupations are rated by O*NET, so O*NET's own values are compared.
  auto def = call(a, "/skill-gap", "from=11-0001.00&to=11-0002.00");
  REQUIRE(def.r.status == 200);
  CHECK(def.body["result"]["value_source"] == "onet");
  CHECK(def.body["result"]["options"]["source"] == "auto");
  CHECK(def.body["result"]["skill_gaps"].size() == 2);
  auto ref = call(a, "/skill-gap", "from=11-0001.00&to=11-0002.00&source=refined");
  REQUIRE(ref.r.status == 200);
  CHECK(ref.body["result"]["value_source"] == "refined");
  auto gaps = ref.body["result"]["skill_gaps"];
  REQUIRE(gaps.size() == 1);  // 2.A.1.a: 4.50 vs 4.50 refined -> no gap
  CHECK(gaps[0]["element_id"] == "2.A.2.a");
  CHECK(gaps[0]["to_data_value"] == 1.5);

  auto onet = call(a, "/skill-gap", "from=11-0001.00&to=11-0002.00&source=onet");
  CHECK(onet.body["result"]["value_source"] == "onet");
  CHECK(onet.body["result"]["skill_gaps"].size() == 2);
  CHECK(onet.body["result"]["skill_gaps"][0]["to_data_value"] == 4.5);

  auto llm = call(a, "/skill-gap", "from=11-0001.00&to=11-0002.00&source=llm");
  REQUIRE(llm.r.status == 200);
  CHECK(llm.body["result"]["value_source"] == "llm");
  REQUIRE(llm.body["result"]["skill_gaps"].size() == 1);
  CHECK(llm.body["result"]["skill_gaps"][0]["to_data_value"] == 3.0);
  CHECK(llm.body["result"]["skill_gaps"][0]["from_missing"] == true);  // the source has no LLM value for it
}

TEST_CASE("skill-gap: an occupation rated only by the LLM is served as model estimates", "[api][routes]") {
  testing_support::TempDir dir("apillmonly");
  const std::string url = "sqlite:" + (dir / "tiny.db").string();
  auto rows = gaptest::tiny_dataset();
  // 11-0003.00 has no O*NET ratings; enrichment gave it calibrated LLM levels (value_source 'llm').
  rows.push_back(
      "INSERT INTO occupation_ratings (onetsoc_code, element_id, scale_id, data_value, llm_value, refined_value, value_source, "
      "load_run_id) "
      "VALUES ('11-0003.00', '2.A.1.a', 'LV', NULL, 5.0, 5.0, 'llm', 1)");
  rows.push_back(
      "INSERT INTO occupation_ratings (onetsoc_code, element_id, scale_id, data_value, llm_value, refined_value, value_source, "
      "load_run_id) "
      "VALUES ('11-0003.00', '2.A.1.b', 'LV', NULL, 2.0, 2.0, 'llm', 1)");
  gaptest::exec_sql(url, rows);
  api::App a(config_for(url));
  a.start();

  auto to_llm = call(a, "/skill-gap", "from=11-0001.00&to=11-0003.00");
  REQUIRE(to_llm.r.status == 200);
  const auto& res = to_llm.body["result"];
  CHECK(res["value_source"] == "mixed");  // O*NET's values for the rated source, refined for the target
  CHECK(res["from_value_source"] == "onet");
  CHECK(res["to_value_source"] == "refined");
  CHECK(res["to_values_estimated"] == true);
  CHECK(res["from_values_estimated"] == false);
  CHECK(res["note"] ==
        "The skill levels of 'No Ratings Occ' are model estimates (calibrated LLM levels), not O*NET survey ratings.");
  REQUIRE(res["skill_gaps"].size() == 1);
  CHECK(res["skill_gaps"][0]["element_id"] == "2.A.1.a");
  CHECK(res["skill_gaps"][0]["to_data_value"] == 5.0);
  CHECK(res["skill_gaps"][0]["estimated"] == true);

  auto from_llm = call(a, "/skill-gap", "from=11-0003.00&to=11-0002.00");
  REQUIRE(from_llm.r.status == 200);
  CHECK(from_llm.body["result"]["from_values_estimated"] == true);
  CHECK(from_llm.body["result"]["to_values_estimated"] == false);
  for (const auto& g : from_llm.body["result"]["skill_gaps"]) {
    INFO(g.dump());
    // 2.A.1.a and 2.A.1.b compare against the LLM levels; the others are missing on the source side.
    CHECK(g["estimated"] == !g["from_missing"].get<bool>());
  }

  // Plain O*NET data says nothing about estimates.
  auto plain = call(a, "/skill-gap", "from=11-0001.00&to=11-0002.00");
  CHECK(plain.body["result"]["to_values_estimated"] == false);
  CHECK_FALSE(plain.body["result"].contains("note"));
  CHECK(plain.body["result"]["skill_gaps"][0]["estimated"] == false);
}

TEST_CASE("skill-gap: domain=knowledge is refused when no knowledge is loaded", "[api][routes]") {
  testing_support::TempDir dir("apitiny");
  const std::string url = "sqlite:" + (dir / "tiny.db").string();
  auto rows = gaptest::tiny_dataset();
  rows.push_back("DELETE FROM occupation_ratings WHERE element_id = '2.C.1.a'");
  gaptest::exec_sql(url, rows);
  api::App tiny(config_for(url));
  tiny.start();
  check_skill_gap_error(call(tiny, "/skill-gap", "from=11-0001.00&to=11-0002.00&domain=knowledge"), 400, "domain_not_loaded",
                        "Error: Knowledge ratings are not loaded, so domain=knowledge is unavailable.");
}

TEST_CASE("methods and paths", "[api][routes]") {
  for (const char* m : {"POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}) {
    INFO(m);
    auto g = call(app(), "/skill-gap", "from=15-9901.00&to=11-9901.00", m);
    check_skill_gap_error(g, 405, "method_not_allowed", std::string("Error: Method ") + m + " is not allowed; use GET.");
    CHECK(header(g.r, "Allow") == "GET");
    CHECK(call(app(), "/occupations", "", m).r.status == 405);
    CHECK(call(app(), "/metrics", "", m).r.status == 405);
  }
  for (const char* p :
       {"/index.html", "/app.js/", "/skill-gap/", "/SKILL-GAP", "/skill-gapx", "/skill-gap/extra", "/occupations/",
        "/occupations/15-9901.00/", "/occupations/15-9901.00/ratings", "/healthz/", "//skill-gap", "/openapi", "/%73kill-gap"}) {
    INFO(p);
    check_error(call(app(), p), 404, "not_found", "Error: Not found: no endpoint at this path.");
  }
}

TEST_CASE("occupations: search and one occupation", "[api][routes]") {
  auto s = call(app(), "/occupations", "q=moon");
  REQUIRE(s.r.status == 200);
  CHECK(s.body["result"]["count"] == 1);
  CHECK(s.body["result"]["occupations"][0] == json::parse(R"({"code":"11-9902.00","title":"Moon Logistics Managers",
                        "matched":{"field":"title","text":"Moon Logistics Managers"}})"));
  CHECK(call(app(), "/occupations").body["result"]["occupations"][0]["matched"].is_null());  // no q, no match
  // By the titles people use: alternate, short and reported titles, each hit saying which matched.
  struct Case {
    const char* q;
    const char* code;
    const char* field;
    const char* text;
  };
  for (const Case& c : {Case{"spreadsheet engineer", "15-9901.00", "alternate_title", "Spreadsheet Engineer"},
                        Case{"MIT", "47-9901.00", "short_title", "MIT"},
                        Case{"chief lighting officer", "11-9901.00", "alternate_title", "Chief Lighting Officer (CLO)"},
                        Case{"moat builder", "47-9901.00", "reported_title", "Moat Builder"},
                        Case{"lamplighter", "11-9901.00", "reported_title", "Head Lamplighter"},
                        Case{"quantum formula", "15-9901.00", "alternate_title", "Quantum Formula Developer (QFD)"},
                        Case{"15-9903", "15-9903.01", "code", "15-9903.01"}}) {
    INFO(c.q);
    auto r = call(app(), "/occupations", std::string("q=") + c.q);
    REQUIRE(r.r.status == 200);
    REQUIRE(r.body["result"]["count"] >= 1);
    const auto& first = r.body["result"]["occupations"][0];
    CHECK(first["code"] == c.code);
    CHECK(first["matched"] == json{{"field", c.field}, {"text", c.text}});
  }
  // A title prefix outranks an alternate title's exact match (the order the search promises):
  // "CLO" is Chief Lantern Officers' short title, but "Cloud Cartographers" starts with it.
  auto clo = call(app(), "/occupations", "q=CLO").body["result"]["occupations"];
  REQUIRE(clo.size() == 2);
  CHECK(clo[0]["code"] == "15-9903.01");
  CHECK(clo[1] == json::parse(R"({"code":"11-9901.00","title":"Chief Lantern Officers",
                                  "matched":{"field":"short_title","text":"CLO"}})"));
  auto all = call(app(), "/occupations");
  CHECK(all.body["result"]["count"] == 8);
  CHECK(call(app(), "/occupations", "limit=3").body["result"]["occupations"].size() == 3);
  CHECK(call(app(), "/occupations", "q=15-99").body["result"]["count"] == 3);
  CHECK(call(app(), "/occupations", "q=%25").body["result"]["count"] == 0);
  CHECK(call(app(), "/occupations", "q=%27%20OR%20%271%27%3D%271").body["result"]["count"] == 0);
  check_error(call(app(), "/occupations", "limit=0"), 400, "invalid_parameter");
  check_error(call(app(), "/occupations", "limit=101"), 400, "invalid_parameter");
  check_error(call(app(), "/occupations", "limit=ten"), 400, "invalid_parameter",
              "Error: Invalid value 'ten' for parameter 'limit' (expected an integer from 1 to 100).");
  check_error(call(app(), "/occupations", "q=a&q=b"), 400, "repeated_parameter");
  check_error(call(app(), "/occupations", "query=x"), 400, "unknown_parameter");
  check_error(call(app(), "/occupations", "q=" + std::string(101, 'a')), 400, "parameter_too_long");

  auto one = call(app(), "/occupations/15-9901");
  REQUIRE(one.r.status == 200);
  CHECK(one.body["result"]["code"] == "15-9901.00");
  CHECK(one.body["result"]["title"] == "Quantum Spreadsheet Developers");
  CHECK(one.body["result"]["source"] == "file");
  bool saw_programming = false;
  for (const auto& r : one.body["result"]["ratings"]) {
    if (r["element_id"] == "2.B.3.e") {
      saw_programming = true;
      CHECK(r["importance"] == 4.75);  // the fixture's documented spot check
      CHECK(r["level"] == 5.12);
      CHECK(r["domain"] == "skills");
    }
  }
  CHECK(saw_programming);
  auto none = call(app(), "/occupations/47-9901.00");
  CHECK(none.r.status == 200);
  // No O*NET value anywhere: only its text estimates (the sample pipeline runs text_estimate).
  CHECK(none.body["result"]["rated"] == false);
  REQUIRE(none.body["result"]["ratings"].size() > 0);
  for (const auto& r : none.body["result"]["ratings"]) {
    CHECK(r["level"].is_null());
    CHECK(r["importance"].is_null());
    CHECK(r["level_estimate"].is_number());
  }
  check_error(call(app(), "/occupations/99-9999.00"), 404, "occupation_not_found",
              "Error: Occupation code 99-9999.00 not found.");
  check_error(call(app(), "/occupations/abc"), 400, "invalid_occupation_code");
  check_error(call(app(), "/occupations/%zz"), 400, "bad_encoding");
  check_error(call(app(), "/occupations/15-9901.00", "x=1"), 400, "unknown_parameter");
  CHECK(call(app(), "/occupations/15%2D9901.00").r.status == 200);
}

TEST_CASE("health, readiness, metrics", "[api][routes]") {
  auto h = call(app(), "/healthz");
  CHECK(h.r.status == 200);
  CHECK(h.body["result"]["status"] == "ok");
  auto r = call(app(), "/readyz");
  CHECK(r.r.status == 200);
  CHECK(r.body["result"]["database"] == "up");
  CHECK(r.body["result"]["occupations"] == 8);
  CHECK(r.body["result"]["onet_release"] == "0.0-mini");

  // serve() records metrics; handle() alone does not.
  api::Response last;
  app().serve({"GET", "/skill-gap", "from=15-9901.00&to=11-9901.00"}, [&](api::Response x) { last = std::move(x); });
  CHECK(last.status == 200);
  app().serve({"GET", "/nowhere", ""}, [&](api::Response x) { last = std::move(x); });
  CHECK(last.status == 404);
  auto m = call(app(), "/metrics");
  CHECK(m.r.status == 200);
  CHECK(m.r.content_type.starts_with("text/plain; version=0.0.4"));
  CHECK(m.r.body.find("skillgap_http_requests_total{route=\"/skill-gap\",status=\"200\"}") != std::string::npos);
  CHECK(m.r.body.find("skillgap_http_requests_total{route=\"unmatched\",status=\"404\"}") != std::string::npos);
  CHECK(m.r.body.find("\nskillgap_access_log_dropped_lines_total 0\n") != std::string::npos);  // no access log of its own
  CHECK(m.r.body.find("skillgap_http_request_duration_seconds_bucket{route=\"/skill-gap\",le=\"+Inf\"}") != std::string::npos);
  CHECK(m.r.body.find("# TYPE skillgap_http_request_duration_seconds histogram") != std::string::npos);
  CHECK(m.r.body.find("skillgap_profile_cache_hits_total ") != std::string::npos);
  CHECK(m.r.body.find("skillgap_profile_cache_occupations 8") != std::string::npos);
  CHECK(m.r.body.find("skillgap_database_up 1") != std::string::npos);
}

TEST_CASE("openapi.json documents exactly the routes the server serves", "[api][routes][openapi]") {
  auto g = call(app(), "/openapi.json");
  REQUIRE(g.r.status == 200);
  CHECK(g.body["openapi"].get<std::string>().starts_with("3."));
  std::set<std::string> documented, served;
  for (const auto& [path, ops] : g.body["paths"].items()) {
    documented.insert(path);
    CHECK(ops.contains("get"));
    CHECK(ops.size() == 1);  // GET only, like the server
  }
  for (const auto& r : api::App::routes()) served.insert(r.path);
  CHECK(documented == served);
  // Every served route answers something other than "no endpoint" (the table is what dispatches).
  for (const auto& r : api::App::routes()) {
    std::string p = r.path;
    if (auto b = p.find("{code}"); b != std::string::npos) p.replace(b, 6, "15-9901.00");
    auto resp = app().handle({"GET", p, ""});
    INFO(p);
    CHECK(resp.route == r.path);
  }
  // The /skill-gap parameters in the document are exactly the ones the route accepts.
  std::set<std::string> params;
  for (const auto& p : g.body["paths"]["/skill-gap"]["get"]["parameters"]) params.insert(p["name"]);
  CHECK(params == std::set<std::string>{"from", "to", "min_gap", "min_importance", "include_not_relevant", "source", "domain",
                                        "significant_only"});
  for (const auto& p : params) {
    auto resp = call(app(), "/skill-gap", "from=15-9901.00&to=11-9901.00&" + p + "=x");
    CHECK(resp.body["error"] != "unknown_parameter");
  }
}

TEST_CASE("503 when the database is unavailable and nothing is cached", "[api][routes]") {
  testing_support::TempDir dir("apidown");
  api::App down(config_for("sqlite:" + (dir / "absent.db").string()));
  down.start();
  auto g = call(down, "/skill-gap", "from=15-9901.00&to=11-9901.00");
  check_skill_gap_error(g, 503, "database_unavailable", "Error: The database is unavailable; try again shortly.");
  CHECK(header(g.r, "Retry-After") == "5");
  auto r = call(down, "/readyz");
  CHECK(r.r.status == 503);
  CHECK(r.body["error"] == "not_ready");
  CHECK(r.body["result"]["database"] == "down");
  CHECK(r.body["result"]["database_down_since"].is_string());
  CHECK(r.body["message"] == "Error: Not ready: the database did not answer the last check; no completed load run is loaded.");
  CHECK(header(r.r, "Retry-After") == "5");
  CHECK(call(down, "/healthz").r.status == 200);
  CHECK(call(down, "/occupations", "q=a").r.status == 503);
  // The cause stays in the log, not in the answer.
  CHECK(g.r.body.find("absent.db") == std::string::npos);
}

TEST_CASE("database down with a dataset cached: /readyz stays 200 and says since when", "[api][routes]") {
  auto cfg = config_for(mini_db_url());
  auto repo = std::make_shared<gaptest::FailingRepository>(cfg.database_url);
  cfg.repository = repo;
  cfg.cache.background_refresh = false;  // checks happen when the test says
  api::App a(cfg);
  a.start();
  auto up = call(a, "/readyz");
  REQUIRE(up.r.status == 200);
  CHECK(up.body["message"] == "ready");
  CHECK(up.body["result"]["database"] == "up");
  CHECK(up.body["result"]["database_down_since"].is_null());

  repo->down = true;
  CHECK_THROWS(a.cache().refresh());
  auto down = call(a, "/readyz");
  INFO(down.r.body);
  CHECK(down.r.status == 200);
  CHECK(header(down.r, "Retry-After").empty());
  CHECK(down.body["success"] == true);
  CHECK(down.body["result"]["database"] == "down");
  CHECK(down.body["result"]["dataset_loaded"] == true);
  CHECK(down.body["result"]["load_run_id"] == up.body["result"]["load_run_id"]);
  const auto since = down.body["result"]["database_down_since"];
  REQUIRE(since.is_string());
  CHECK(since.get<std::string>().size() == 20);  // 2025-03-01T12:34:56Z
  CHECK(down.body["message"] == "ready: serving the cached dataset (load run " +
                                    std::to_string(up.body["result"]["load_run_id"].get<long long>()) +
                                    "); the database is down since " + since.get<std::string>());
  // Served from the cache meanwhile; /metrics tells the outage apart.
  CHECK(call(a, "/skill-gap", "from=15-9901.00&to=11-9901.00").r.status == 200);
  CHECK(call(a, "/metrics").r.body.find("skillgap_database_up 0") != std::string::npos);
  // A second failed check is the same outage.
  CHECK_THROWS(a.cache().refresh());
  CHECK(call(a, "/readyz").body["result"]["database_down_since"] == since);

  repo->down = false;
  a.cache().refresh();
  auto back = call(a, "/readyz");
  CHECK(back.r.status == 200);
  CHECK(back.body["message"] == "ready");
  CHECK(back.body["result"]["database"] == "up");
  CHECK(back.body["result"]["database_down_since"].is_null());
  CHECK(call(a, "/metrics").r.body.find("skillgap_database_up 1") != std::string::npos);
}

TEST_CASE("500 with a generic message when the subgraph fails unexpectedly", "[api][routes]") {
  testing_support::TempDir dir("apibroken");
  // Both lookups on the same side: gap_compute cannot pair them.
  std::ifstream in(testing_support::repo_path("pipelines/skill_gap.yaml"));
  std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto pos = yaml.find("side: to");
  REQUIRE(pos != std::string::npos);
  yaml.replace(pos, 8, "side: from");
  testing_support::write_file(dir / "broken.yaml", yaml);
  auto cfg = config_for(mini_db_url());
  cfg.pipeline = (dir / "broken.yaml").string();
  api::App broken(cfg);
  broken.start();
  auto g = call(broken, "/skill-gap", "from=15-9901.00&to=11-9901.00");
  check_skill_gap_error(g, 500, "internal_error", "Error: Internal server error.");
  CHECK(g.r.body.find("gap_compute") == std::string::npos);
}

TEST_CASE("skill-gap: unrated occupations are answered from text estimates", "[api][routes][estimate]") {
  // 47-9901.00 has no Skills rows in the fixture; the sample pipeline's text_estimate gives it
  // estimates from its most similar rated fixture occupations.
  auto r = call(app(), "/skill-gap", "from=11-9901.00&to=47-9901.00");
  REQUIRE(r.r.status == 200);
  const auto& res = r.body["result"];
  CHECK(res["from_value_source"] == "onet");
  CHECK(res["to_value_source"] == "estimate");
  CHECK(res["value_source"] == "mixed");
  CHECK(res["to_values_estimated"] == true);
  CHECK(res["from_values_estimated"] == false);
  const std::string note = res["note"];
  CHECK(note.find("Castle Moat Installers has no O*NET ratings here; its levels are estimated from O*NET's own text") == 0);
  REQUIRE(res["skill_gaps"].size() > 0);
  for (const auto& g : res["skill_gaps"]) {
    CHECK(g["to_value_source"] == "estimate");
    CHECK(g["to_estimated"] == true);
    CHECK(g["estimated"] == true);
    REQUIRE(g["to_sd"].is_number());
    CHECK(g["to_sd"].get<double>() > 0);
    REQUIRE(g["to_interval"].is_array());
    CHECK(g["to_interval"][0].get<double>() <= g["to_data_value"].get<double>());
    CHECK(g["to_interval"][1].get<double>() >= g["to_data_value"].get<double>());
    CHECK(g.contains("significant"));
  }
  // The occupation page names the neighbours.
  auto o = call(app(), "/occupations/47-9901.00", "");
  REQUIRE(o.r.status == 200);
  CHECK(o.body["result"]["rated"] == false);
  REQUIRE(o.body["result"]["estimate_neighbours"].size() > 0);
  for (const auto& n : o.body["result"]["estimate_neighbours"]) CHECK(n["code"] != "47-9901.00");
}

TEST_CASE("skill-gap: source=estimate on rated occupations gives their leave-one-out estimates", "[api][routes][estimate]") {
  auto r = call(app(), "/skill-gap", "from=11-9901.00&to=15-9901.00&source=estimate");
  REQUIRE(r.r.status == 200);
  CHECK(r.body["result"]["value_source"] == "estimate");
  CHECK(r.body["result"]["from_values_estimated"] == true);
  auto onet = call(app(), "/skill-gap", "from=11-9901.00&to=15-9901.00");
  REQUIRE(onet.r.status == 200);
  CHECK(onet.body["result"]["value_source"] == "onet");
  CHECK_FALSE(onet.body["result"].contains("note"));
  // O*NET values carry their Standard Error as sd (null where the release has n/a).
  for (const auto& g : onet.body["result"]["skill_gaps"]) CHECK((g["to_sd"].is_null() || g["to_sd"].get<double>() >= 0));
  // significant_only keeps exactly the gaps marked significant.
  auto sig = call(app(), "/skill-gap", "from=11-9901.00&to=15-9901.00&significant_only=true");
  REQUIRE(sig.r.status == 200);
  std::size_t marked = 0;
  for (const auto& g : onet.body["result"]["skill_gaps"]) marked += g["significant"] == true;
  CHECK(sig.body["result"]["skill_gaps"].size() == marked);
  for (const auto& g : sig.body["result"]["skill_gaps"]) CHECK(g["significant"] == true);
}

TEST_CASE("a gap row's pre-written element JSON gives the bytes the writer escapes per answer", "[api]") {
  // Elements from gap::make_element carry their `"element_id":…,"element_name":…` JSON; elements
  // made without it are escaped per answer. Both must write the same answer, names needing
  // escapes (a quote, a backslash, non-ASCII) included.
  auto build = [](bool prewritten) {
    auto el = [&](const std::string& id, const std::string& name) {
      return prewritten ? gap::make_element(id, name, "") : std::make_shared<const gap::Element>(gap::Element{id, name, "", {}});
    };
    auto profile = [&](const std::string& code, std::vector<std::pair<gap::ElementPtr, double>> values) {
      gap::OccupationProfile p;
      p.code = code;
      p.title = "Title " + code;
      for (auto& [e, v] : values) {
        gap::ElementRating r;
        r.element = e;
        r.level = gap::ScaleValue{};
        r.level->data_value = v;
        r.level->not_relevant = 'N';
        r.level->value_source = "file";
        r.importance = gap::ScaleValue{};
        r.importance->data_value = 3.0;
        p.ratings.push_back(r);
      }
      p.finalize();
      return std::make_shared<const gap::OccupationProfile>(std::move(p));
    };
    auto a = el("2.A.1.a", "Reading \"Comprehension\"");
    auto b = el("2.A.1.b", "Active \\ Listening");
    auto c = el("2.B.3.e", "Programmation avancée");
    auto batch = std::make_shared<gap::GapResultBatch>();
    batch->request = std::make_shared<gap::GapRequest>();
    batch->from = profile("11-1011.00", {{a, 1.0}, {b, 2.0}, {c, 0.5}});
    batch->to = profile("15-1252.00", {{a, 3.0}, {b, 4.25}, {c, 5.0}});
    batch->result = gap::compute_gap(*batch->from, *batch->to, {});
    REQUIRE(batch->result.gaps.size() == 3);
    REQUIRE(batch->result.gaps[0].element != nullptr);
    CHECK(batch->result.gaps[0].element->json.empty() == !prewritten);
    return api::skill_gap_success(*batch).body;
  };
  const std::string with = build(true), without = build(false);
  CHECK(with == without);
  const auto body = json::parse(with);
  std::set<std::string> names;
  for (const auto& g : body["result"]["skill_gaps"]) names.insert(g["element_name"].get<std::string>());
  CHECK(names == std::set<std::string>{"Reading \"Comprehension\"", "Active \\ Listening", "Programmation avancée"});
}
