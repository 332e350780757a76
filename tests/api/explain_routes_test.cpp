// The explanation fields (level anchors, technology gaps, job zones, education, tasks, domain=all)
// through the routes on the onet_mini fixture loaded by the real pipeline: hand-checked values
// and every pair value by value against SQL.
#include <catch2/catch.hpp>

#include "api/app.hpp"
#include "api_test_support.hpp"
#include "explain_check.hpp"
#include "gap_test_db.hpp"
#include "support/test_support.hpp"

using apitest::mini_db_url;
using nlohmann::json;

namespace {

api::App& app() {
  static std::unique_ptr<api::App> a = [] {
    auto p = std::make_unique<api::App>(apitest::config_for(mini_db_url()));
    p->start();
    return p;
  }();
  return *a;
}

json ask(const std::string& path, const std::string& query) {
  auto r = app().handle({"GET", path, query});
  INFO(path << "?" << query << ": " << r.body);
  REQUIRE(r.status == 200);
  return json::parse(r.body);
}

const json* gap_of(const json& answer, const std::string& element) {
  for (const auto& g : answer["result"]["skill_gaps"])
    if (g["element_id"] == element) return &g;
  return nullptr;
}

const char* kRated[] = {"11-9901.00", "11-9902.00", "15-9901.00", "15-9902.00", "15-9903.01", "17-9901.00"};

}  // namespace

TEST_CASE("explain: anchors bracket both levels of a gap; elements without anchors get null", "[api][explain]") {
  // Quantum Spreadsheet Developers -> Chief Lantern Officers.
  auto j = ask("/skill-gap", "from=15-9901.00&to=11-9901.00");
  bool anchored = false, plain = false;
  for (const auto& g : j["result"]["skill_gaps"]) {
    INFO(g.dump());
    CHECK(g["domain"] == "skills");
    if (g["element_id"] == "2.A.1.a") {  // the fixture's Reading Comprehension anchors: 2, 4, 6
      anchored = true;
      for (const char* side : {"from", "to"}) {
        const double v = g[std::string(side) + "_data_value"];
        const auto& a = g[std::string(side) + "_anchor"];
        const auto& low = a["at_or_below"];
        const auto& high = a["above"];
        if (v < 2)
          CHECK(low.is_null());
        else
          CHECK(low["value"].get<double>() <= v);
        if (v >= 6)
          CHECK(high.is_null());
        else
          CHECK(high["value"].get<double>() > v);
        if (!low.is_null() && !high.is_null()) CHECK(high["value"].get<double>() - low["value"].get<double>() == 2);
      }
    } else if (g["element_id"] != "2.B.3.e") {
      plain = true;
      CHECK(g["from_anchor"].is_null());
      CHECK(g["to_anchor"].is_null());
    }
  }
  CHECK((anchored || plain));
  apitest::check_skill_gap_explanations(mini_db_url(), j);

  // Programming, 11-9902.00 (0.00, Not Relevant) -> 15-9901.00 (5.12): from below the lowest anchor
  // to between 4 and 6, in the fixture's own words.
  auto p = ask("/skill-gap", "from=11-9902.00&to=15-9901.00");
  const json* prog = gap_of(p, "2.B.3.e");
  REQUIRE(prog);
  CHECK((*prog)["to_data_value"] == 5.12);
  CHECK((*prog)["to_anchor"] ==
        json::parse(R"({"at_or_below":{"value":4,"description":"Write a macro that sorts cheese shipments by weight"},
      "above":{"value":6,"description":"Write a program that models clouds in three dimensions"}})"));
  if ((*prog)["from_data_value"].get<double>() < 2) {
    CHECK((*prog)["from_anchor"]["at_or_below"].is_null());
    CHECK((*prog)["from_anchor"]["above"]["value"] == 2);
  }
  apitest::check_skill_gap_explanations(mini_db_url(), p);
}

TEST_CASE("explain: technology gaps by commodity, hot and in demand first, job zones, education", "[api][explain]") {
  auto j = ask("/skill-gap", "from=15-9901.00&to=11-9901.00");
  const auto& r = j["result"];
  // 11-9901.00 lists Project planning (43231501) and Bookkeeping (43231601, hot); 15-9901.00 neither.
  CHECK(r["technology_gap_count"] == 2);
  REQUIRE(r["technology_gaps"].size() == 2);
  CHECK(r["technology_gaps"][0] == json::parse(R"({"commodity_code":43231601,"commodity_title":"Bookkeeping software",
      "hot_technology":true,"in_demand":false,"example_count":1,"examples":[{"name":"WickLedger","hot_technology":true,"in_demand":false}]})"));
  CHECK(r["technology_gaps"][1]["commodity_code"] == 43231501);
  // Job zone 4 -> 5 and the reference texts of both.
  CHECK(r["job_zone"]["from"]["job_zone"] == 4);
  CHECK(r["job_zone"]["to"]["job_zone"] == 5);
  CHECK(r["job_zone"]["step"] == 1);
  CHECK(r["job_zone"]["step_label"] == "+1");
  CHECK(r["job_zone"]["to"]["name"].get<std::string>().starts_with("Job Zone Five"));
  // Both sides' most common education: the fixture's category 5 (64.30 % and 58.10 %).
  CHECK(r["education"]["from"] == json::parse(R"({"category":5,"description":"Bachelor's degree","percent":64.3})"));
  CHECK(r["education"]["to"] == json::parse(R"({"category":5,"description":"Bachelor's degree","percent":58.1})"));
  apitest::check_skill_gap_explanations(mini_db_url(), j);

  // Technology the source already has is no gap: 11-9901.00 -> 15-9901.00 lists spreadsheets,
  // program development and e-mail (hot and in demand first); the other way round only the two above.
  auto back = ask("/skill-gap", "from=11-9901.00&to=15-9901.00")["result"];
  std::vector<long long> codes;
  for (const auto& t : back["technology_gaps"]) codes.push_back(t["commodity_code"]);
  CHECK(codes == std::vector<long long>{43232110, 43232402, 43233501});
  CHECK(back["technology_gaps"][0]["examples"][0]["name"] == "QuantumCalc");  // hot first within the commodity
  CHECK(back["technology_gaps"][0]["example_count"] == 2);
  CHECK(back["job_zone"]["step"] == -1);
  CHECK(back["job_zone"]["step_label"] == "-1");

  // Without a job zone (15-9903.01) or education rows (17-9901.00): null, never invented.
  auto none = ask("/skill-gap", "from=15-9903.01&to=17-9901.00")["result"];
  CHECK(none["job_zone"]["from"].is_null());
  CHECK(none["job_zone"]["to"]["job_zone"] == 4);
  CHECK(none["job_zone"]["step"].is_null());
  CHECK(none["education"]["from"].is_null());
  CHECK(none["education"]["to"].is_null());
}

TEST_CASE("explain: every ordered pair of the fixture agrees with SQL", "[api][explain]") {
  std::size_t anchored = 0, tech = 0;
  for (const char* from : kRated) {
    for (const char* to : kRated) {
      for (const char* domain : {"skills", "knowledge", "all"}) {
        auto r = app().handle({"GET", "/skill-gap", std::string("from=") + from + "&to=" + to + "&domain=" + domain});
        if (r.status == 404) continue;  // no knowledge ratings on one side
        INFO(from << " -> " << to << " " << domain << ": " << r.body);
        REQUIRE(r.status == 200);
        auto c = apitest::check_skill_gap_explanations(mini_db_url(), json::parse(r.body));
        anchored += c.anchored;
        tech += c.technology_gaps;
      }
    }
  }
  CHECK(anchored > 0);
  CHECK(tech > 0);
}

TEST_CASE("explain: domain=all compares skills and knowledge together, each gap tagged", "[api][explain]") {
  const std::string pair = "from=15-9901.00&to=11-9901.00";
  auto skills = ask("/skill-gap", pair);
  auto knowledge = ask("/skill-gap", pair + "&domain=knowledge");
  auto all = ask("/skill-gap", pair + "&domain=all");
  CHECK(
      skills["message"] ==
      "Successfully identified skill gap from 'Quantum Spreadsheet Developers' to 'Chief Lantern Officers' based on 'LV' scale.");
  CHECK(knowledge["message"] ==
        "Successfully identified knowledge gap from 'Quantum Spreadsheet Developers' to 'Chief Lantern Officers' based on 'LV' "
        "scale.");
  CHECK(all["message"] ==
        "Successfully identified skill and knowledge gap from 'Quantum Spreadsheet Developers' to 'Chief "
        "Lantern Officers' based on 'LV' scale.");
  CHECK(all["result"]["domain"] == "all");
  CHECK(all["result"]["options"]["domain"] == "all");
  const auto& a = all["result"]["skill_gaps"];
  REQUIRE(a.size() == skills["result"]["skill_gaps"].size() + knowledge["result"]["skill_gaps"].size());
  CHECK(all["result"]["required_count"] ==
        skills["result"]["required_count"].get<int>() + knowledge["result"]["required_count"].get<int>());
  std::size_t k = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO(a[i].dump());
    const std::string id = a[i]["element_id"];
    CHECK(a[i]["domain"] == (id.starts_with("2.C.") ? "knowledge" : "skills"));
    k += a[i]["domain"] == "knowledge";
    // The same order as one domain: largest gap first, then element id in O*NET order.
    if (i) {
      const double prev = a[i - 1]["gap"], cur = a[i]["gap"];
      CHECK(prev >= cur);
    }
    // The same gap as the single-domain answer.
    const json* single = gap_of(id.starts_with("2.C.") ? knowledge : skills, id);
    REQUIRE(single);
    CHECK(a[i]["gap"] == (*single)["gap"]);
    CHECK(a[i]["from_anchor"] == (*single)["from_anchor"]);
  }
  CHECK(k == knowledge["result"]["skill_gaps"].size());
  CHECK(k > 0);
  // The explanation of the answer does not depend on the domain.
  CHECK(all["result"]["technology_gaps"] == skills["result"]["technology_gaps"]);

  // Knowledge only on the target's side (29-9901.00 has no skill ratings): all = the knowledge gaps,
  // and the message says knowledge.
  auto ko = ask("/skill-gap", "from=11-9901.00&to=29-9901.00&domain=all");
  CHECK(ko["message"] ==
        "Successfully identified knowledge gap from 'Chief Lantern Officers' to 'Dream Hygienists' based on 'LV' scale.");
  CHECK(ko["result"]["skill_gaps"] ==
        ask("/skill-gap", "from=11-9901.00&to=29-9901.00&domain=knowledge")["result"]["skill_gaps"]);
  // Neither skills nor knowledge: no_ratings, in words that fit.
  // (O*NET's own values asked for: under auto the occupation is answered from its text estimates.)
  auto nr = app().handle({"GET", "/skill-gap", "from=11-9901.00&to=47-9901.00&domain=all&source=onet"});
  CHECK(nr.status == 404);
  CHECK(json::parse(nr.body)["message"] ==
        "Error: Occupation code 47-9901.00 (Castle Moat Installers) has no skill or knowledge ratings from source 'onet', so no "
        "skill gap can be computed.");
}

TEST_CASE("explain: /occupations/{code} lists tasks core first, technology hot first, job zone, education", "[api][explain]") {
  auto j = ask("/occupations/11-9901.00", "");
  const auto& r = j["result"];
  REQUIRE(r["tasks"].size() == 3);
  CHECK(r["tasks"][0]["task_type"] == "Core");
  CHECK(r["tasks"][1]["task_type"] == "Core");
  CHECK(r["tasks"][2] ==
        json::parse(R"({"task_id":90003,"task":"Inspect lantern glass for soot after storms.","task_type":"Supplemental"})"));
  REQUIRE(r["technology_skills"].size() == 2);
  CHECK(r["technology_skills"][0]["commodity_title"] == "Bookkeeping software");  // hot first
  CHECK(r["job_zone"] == 5);
  CHECK(r["job_zone_reference"]["job_zone"] == 5);
  CHECK(r["job_zone_reference"].contains("examples"));
  CHECK(r["education"]["most_common"]["category"] == 5);
  CHECK(r["education"]["distribution"].size() == 6);
  apitest::check_occupation_explanations(mini_db_url(), j);

  // Untyped tasks come last; an occupation without any of it answers empty lists and nulls.
  for (const char* code : {"11-9902.00", "15-9901.00", "15-9902.00", "15-9903.01", "17-9901.00", "29-9901.00", "47-9901.00"}) {
    apitest::check_occupation_explanations(mini_db_url(), ask(std::string("/occupations/") + code, ""));
  }
  auto cloud = ask("/occupations/15-9903.01", "")["result"];
  CHECK(cloud["tasks"] == json::array());
  CHECK(cloud["job_zone_reference"].is_null());
  CHECK(cloud["education"] == json::parse(R"({"most_common":null,"distribution":[]})"));
}

TEST_CASE("explain: every field of the answers is documented in openapi.json", "[api][explain][openapi]") {
  const json doc = ask("/openapi.json", "");
  const auto& schemas = doc["components"]["schemas"];
  auto documented = [&](const json& props, const json& object, const std::string& where) {
    for (const auto& [key, value] : object.items()) {
      INFO(where << "." << key);
      CHECK(props.contains(key));
    }
  };
  // The fields this issue added to objects that also carry others.
  auto documented_keys = [&](const json& props, const std::vector<std::string>& keys, const json& object,
                             const std::string& where) {
    for (const auto& key : keys) {
      INFO(where << "." << key);
      CHECK(object.contains(key));
      CHECK(props.contains(key));
    }
  };
  auto j = ask("/skill-gap", "from=15-9901.00&to=11-9901.00&domain=all");
  const auto& result_props = schemas["SkillGapEnvelope"]["properties"]["result"]["properties"];
  documented_keys(result_props, {"domain", "technology_gap_count", "technology_gaps", "job_zone", "education"}, j["result"],
                  "result");
  documented_keys(schemas["SkillGap"]["properties"], {"domain", "from_anchor", "to_anchor"}, j["result"]["skill_gaps"][0],
                  "skill_gaps[]");
  documented(schemas["Technology"]["properties"], j["result"]["technology_gaps"][0], "technology_gaps[]");
  documented(schemas["TechnologyExample"]["properties"], j["result"]["technology_gaps"][0]["examples"][0], "examples[]");
  documented(result_props["job_zone"]["properties"], j["result"]["job_zone"], "job_zone");
  documented(schemas["JobZone"]["properties"], j["result"]["job_zone"]["to"], "job_zone.to");
  documented(schemas["EducationLevel"]["properties"], j["result"]["education"]["to"], "education.to");
  bool anchored = false;
  for (const auto& g : j["result"]["skill_gaps"]) {
    if (g["to_anchor"].is_null()) continue;
    anchored = true;
    documented(schemas["AnchorBracket"]["properties"], g["to_anchor"], "to_anchor");
    documented(schemas["Anchor"]["properties"], g["to_anchor"]["at_or_below"], "to_anchor.at_or_below");
  }
  CHECK(anchored);
  CHECK(schemas["SkillGapEnvelope"]["properties"]["result"]["properties"]["domain"]["enum"] ==
        json::parse(R"(["skills","knowledge","all"])"));

  auto o = ask("/occupations/11-9901.00", "");
  const auto& occ_props = schemas["OccupationEnvelope"]["properties"]["result"]["properties"];
  documented_keys(occ_props, {"tasks", "technology_skills", "job_zone_reference", "education"}, o["result"], "occupation");
  documented(schemas["Task"]["properties"], o["result"]["tasks"][0], "tasks[]");
  documented(schemas["JobZone"]["properties"], o["result"]["job_zone_reference"], "occupation.job_zone_reference");
  documented(occ_props["education"]["properties"], o["result"]["education"], "occupation.education");
}
