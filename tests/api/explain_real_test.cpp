// The explanation fields on the real O*NET 29.2 data, loaded with pipelines/full.yaml: Web
// Developers -> Computer Programmers has anchors on every gap, technology gaps and the job zones
// of Job Zones.txt; every field checked value by value against SQL. Skipped visibly when the
// 29.2 files are absent.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <random>

#include "api/app.hpp"
#include "api_test_support.hpp"
#include "explain_check.hpp"
#include "gap_test_db.hpp"
#include "support/test_support.hpp"

using nlohmann::json;

namespace {

const std::string& real_db_url() {
  static testing_support::TempDir dir("apiexplainreal");
  static const std::string url = [] {
    const std::string data = testing_support::onet_data_dir();
    if (data.empty()) return std::string();
    const std::string u = "sqlite:" + (dir / "onet29.db").string();
    gaptest::run_load("full.yaml", u, dir.path(), {"nodes.source.params.location=" + data});
    return u;
  }();
  return url;
}

api::App& real_app() {
  static std::unique_ptr<api::App> app = [] {
    auto a = std::make_unique<api::App>(apitest::config_for(real_db_url()));
    a->start();
    return a;
  }();
  return *app;
}

json ask(const std::string& path, const std::string& query) {
  auto r = real_app().handle({"GET", path, query});
  INFO(path << "?" << query << ": " << r.body.substr(0, 2000));
  REQUIRE(r.status == 200);
  return json::parse(r.body);
}

// Job Zones.txt read directly: code -> zone.
std::map<std::string, int> job_zones_file() {
  std::ifstream in(testing_support::onet_data_dir() + "/Job Zones.txt", std::ios::binary);
  std::map<std::string, int> out;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    auto tab = line.find('\t');
    out[line.substr(0, tab)] = std::stoi(line.substr(tab + 1));
  }
  return out;
}

bool skip() {
  if (!testing_support::onet_data_dir().empty()) return false;
  WARN("SKIPPED: O*NET 29.2 files not found (set ONET_DATA_DIR); real-data checks not run");
  return true;
}

}  // namespace

TEST_CASE("real 29.2 explain: Web Developers -> Computer Programmers", "[api][real][explain]") {
  if (skip()) return;
  auto j = ask("/skill-gap", "from=15-1254.00&to=15-1251.00");
  const auto& r = j["result"];
  REQUIRE(r["skill_gaps"].size() == 12);
  auto counts = apitest::check_skill_gap_explanations(real_db_url(), j);
  // Every skill has LV anchors in 29.2: every gap is explained in words.
  CHECK(counts.anchored == counts.gaps);
  for (const auto& g : r["skill_gaps"]) {
    INFO(g.dump());
    CHECK(g["domain"] == "skills");
    CHECK_FALSE(g["from_anchor"].is_null());
    CHECK_FALSE(g["to_anchor"].is_null());
  }
  // Programming 4.25 -> 4.88: both between anchors 4 and 6.
  for (const auto& g : r["skill_gaps"]) {
    if (g["element_id"] != "2.B.3.e") continue;
    const json expected = json::parse(
        R"({"at_or_below":{"value":4,"description":"Write a statistical analysis program to analyze demographic data"},
        "above":{"value":6,"description":"Write programs to analyze geological data for existence of mineral deposits"}})");
    CHECK(g["from_anchor"] == expected);
    CHECK(g["to_anchor"] == expected);
  }
  // Quality Control Analysis 2.75 -> 3.5: between its anchors 2 and 4.
  CHECK(r["skill_gaps"][0]["element_id"] == "2.B.3.m");
  CHECK(r["skill_gaps"][0]["from_anchor"]["at_or_below"]["value"] == 2);
  CHECK(r["skill_gaps"][0]["from_anchor"]["above"]["value"] == 4);

  // Technologies Computer Programmers list that Web Developers do not: 9 commodities in 29.2.
  CHECK(counts.technology_gaps == 9);
  CHECK(r["technology_gap_count"] == 9);
  REQUIRE(r["technology_gaps"].size() == 9);
  CHECK(r["technology_gaps"][0]["commodity_title"] == "Computer aided design CAD software");  // the one with a hot example
  CHECK(r["technology_gaps"][0]["hot_technology"] == true);
  CHECK(r["technology_gaps"][1]["commodity_title"] == "Compiler and decompiler software");  // 13 examples
  CHECK(r["technology_gaps"][1]["example_count"] == 13);
  CHECK(r["technology_gaps"][1]["examples"].size() == 10);

  // Job zones as in Job Zones.txt: 3 -> 4.
  const auto zones = job_zones_file();
  CHECK(zones.at("15-1254.00") == 3);
  CHECK(zones.at("15-1251.00") == 4);
  CHECK(r["job_zone"]["from"]["job_zone"] == zones.at("15-1254.00"));
  CHECK(r["job_zone"]["to"]["job_zone"] == zones.at("15-1251.00"));
  CHECK(r["job_zone"]["step_label"] == "+1");
  CHECK(r["job_zone"]["to"]["name"] == "Job Zone Four: Considerable Preparation Needed");
  // Bachelor's degree is the most common answer on both sides (45.83 % and 88.04 %).
  CHECK(r["education"]["from"] == json::parse(R"({"category":6,"description":"Bachelor's Degree","percent":45.83})"));
  CHECK(r["education"]["to"] == json::parse(R"({"category":6,"description":"Bachelor's Degree","percent":88.04})"));

  // Skills and knowledge together.
  auto all = ask("/skill-gap", "from=15-1254.00&to=15-1251.00&domain=all");
  CHECK(all["message"] ==
        "Successfully identified skill and knowledge gap from 'Web Developers' to 'Computer Programmers' based on 'LV' scale.");
  auto ca = apitest::check_skill_gap_explanations(real_db_url(), all);
  CHECK(ca.anchored == ca.gaps);
  const auto knowledge = ask("/skill-gap", "from=15-1254.00&to=15-1251.00&domain=knowledge");
  CHECK(all["result"]["skill_gaps"].size() == 12 + knowledge["result"]["skill_gaps"].size());
}

TEST_CASE("real 29.2 explain: 40 random pairs and their occupations against SQL", "[api][real][explain]") {
  if (skip()) return;
  auto snap = real_app().cache().snapshot();
  REQUIRE(snap);
  std::vector<std::string> codes;
  for (const auto& o : snap->search("", 2000)) codes.push_back(o.code);
  std::mt19937 rng(13);
  std::uniform_int_distribution<std::size_t> pick(0, codes.size() - 1);
  std::size_t answered = 0, with_zone_step = 0, with_tech = 0;
  for (int i = 0; i < 40; ++i) {
    const auto& from = codes[pick(rng)];
    const auto& to = codes[pick(rng)];
    apitest::check_occupation_explanations(real_db_url(), ask("/occupations/" + to, ""));
    auto r = real_app().handle({"GET", "/skill-gap", "from=" + from + "&to=" + to + "&domain=all"});
    if (r.status == 404) continue;  // an occupation 29.2 does not rate
    REQUIRE(r.status == 200);
    auto j = json::parse(r.body);
    auto c = apitest::check_skill_gap_explanations(real_db_url(), j);
    CHECK(c.anchored == c.gaps);
    ++answered;
    with_zone_step += !j["result"]["job_zone"]["step"].is_null();
    with_tech += c.technology_gaps > 0;
  }
  CHECK(answered > 20);
  CHECK(with_zone_step > 0);
  CHECK(with_tech > 0);
}
