// The title search of GET /occupations on hand-made occupations: normalization, words, the
// tiers and tie-breaks of nodes/gap/title_search.hpp, as cases in title_search_cases.tsv.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "nodes/gap/occupation_texts.hpp"
#include "nodes/gap/profile_cache.hpp"
#include "nodes/gap/title_search.hpp"
#include "nodes/onet/batches.hpp"
#include "profile_builder.hpp"
#include "support/test_support.hpp"

namespace {

gap::ProfilePtr occ(const std::string& code, const std::string& title) {
  auto p = gaptest::ProfileBuilder(code, title).lv("2.A.1.a", 3).im("2.A.1.a", 3).build();
  return std::make_shared<const gap::OccupationProfile>(std::move(p));
}

std::shared_ptr<const gap::Snapshot> snapshot() {
  std::vector<gap::ProfilePtr> profiles = {
      occ("29-1141.00", "Registered Nurses"),
      occ("29-1171.00", "Nurse Practitioners"),
      occ("29-2061.00", "Licensed Practical and Licensed Vocational Nurses"),
      occ("15-1252.00", "Software Developers"),
      occ("15-1251.00", "Computer Programmers"),
      occ("15-1212.00", "Information Security Analysts"),
      occ("41-2011.00", "Cashiers"),
      occ("41-2012.00", "Gambling Change Persons and Booth Cashiers"),
      occ("15-2051.00", "Data Scientists"),
      occ("15-2041.00", "Statisticians"),
  };
  auto t = std::make_shared<onet::TableBatch>();
  auto alt = [&](const char* code, const char* title, std::optional<std::string> short_title, const char* sources) {
    t->alternate_titles.push_back({code, title, std::move(short_title), sources, 0});
  };
  alt("29-1141.00", "Registered Nurse (RN)", "RN", "02,03,04,06,08,09,10");
  alt("29-1141.00", "Staff Nurse", std::nullopt, "02,04");
  alt("29-1171.00", "Nurse Practitioner (NP)", "NP", "02,04");
  alt("29-2061.00", "Licensed Practical Nurse (LPN)", "LPN", "02,04,06");
  alt("15-1252.00", "Software Engineer", std::nullopt, "02,04,10");
  alt("15-1252.00", "Application Developer", std::nullopt, "04");
  alt("15-1251.00", "Software Engineer", std::nullopt, "08");
  alt("15-1212.00", "Security Operations Center Analyst (SOC Analyst)", "SOC Analyst", "08");
  alt("41-2011.00", "Cashier", std::nullopt, "02,04,06,10");
  alt("41-2012.00", "Cashier", std::nullopt, "02,04");
  alt("15-2051.00", "Data Analyst", std::nullopt, "08");
  alt("15-2041.00", "Data Analyst", std::nullopt, "03,08,10");
  t->reported_titles.push_back({"29-1141.00", "RN", true, 0});
  t->reported_titles.push_back({"15-1252.00", "Code Monkey", false, 0});
  auto texts = std::make_shared<gap::OccupationTexts>();
  texts->tables = t;
  return std::make_shared<const gap::Snapshot>(gap::DatasetVersion{1, "test"}, std::move(profiles), nullptr, texts);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, sep);) out.push_back(part);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

}  // namespace

TEST_CASE("title search: normalization and words", "[gap][search]") {
  CHECK(gap::normalize_title("  Bridge-to-Nowhere Engineers ") == "bridge to nowhere engineers");
  CHECK(gap::normalize_title("Registered Nurse (RN)") == "registered nurse rn");
  CHECK(gap::normalize_title("%_%").empty());
  CHECK(gap::split_words("software engineer") == std::vector<std::string>{"software", "engineer"});
  CHECK(gap::words_prefix_all({"soft", "eng"}, "software engineer"));
  CHECK(gap::words_prefix_all({"eng", "soft"}, "software engineer"));
  CHECK_FALSE(gap::words_prefix_all({"ware"}, "software engineer"));  // word starts only
}

TEST_CASE("title search: the ranking, case by case (title_search_cases.tsv)", "[gap][search]") {
  const auto snap = snapshot();
  std::ifstream in(testing_support::repo_path("tests/nodes_gap/title_search_cases.tsv"));
  REQUIRE(in);
  int cases = 0, line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const auto cols = split(line, '\t');
    REQUIRE(cols.size() == 3);
    INFO("title_search_cases.tsv:" << line_no << ": q = '" << cols[0] << "'");
    const auto hits = snap->find_titles(cols[0], 20);
    std::string got;
    for (const auto& h : hits) got += (got.empty() ? "" : ",") + h.occupation.code;
    CHECK(got == cols[1]);
    const std::string first = hits.empty() ? "-" : std::string(gap::to_string(hits[0].field)) + ":" + hits[0].matched;
    CHECK(first == cols[2]);
    ++cases;
  }
  CHECK(cases >= 15);
}

TEST_CASE("title search: empty lists all by title, limit, one hit per occupation", "[gap][search]") {
  const auto snap = snapshot();
  auto all = snap->find_titles("", 100);
  REQUIRE(all.size() == 10);
  for (std::size_t i = 1; i < all.size(); ++i) CHECK(all[i - 1].occupation.title <= all[i].occupation.title);
  CHECK(snap->find_titles("", 3).size() == 3);
  // "nurse" matches Registered Nurses by title, alternate and reported titles: listed once.
  auto nurse = snap->find_titles("nurse", 100);
  CHECK(std::count_if(nurse.begin(), nurse.end(), [](const auto& h) { return h.occupation.code == "29-1141.00"; }) == 1);
  // The legacy title-only search is unchanged: no alternate titles.
  CHECK(snap->search("software engineer", 100).empty());
}

TEST_CASE("title search: a query never matches across two titles", "[gap][search]") {
  // The titles are searched as one text, each followed by '\n' ("...registered nurses\nnurse
  // practitioners\n..." in code order). A query holding that separator must not match where one
  // title ends and the next begins. Neither query's words start a word of any title here, so a
  // hit on a title (not an alternate or reported one) could only come from such a match.
  const auto snap = snapshot();
  for (const std::string q : {"es\nnu", "ses\n", "ers\nli"}) {
    INFO(q);
    for (const auto& h : snap->find_titles(q, 100)) CHECK(h.field != gap::TitleField::Title);
  }
  // The same letters inside one title still match it.
  auto within = snap->find_titles("ses", 100);
  CHECK(std::any_of(within.begin(), within.end(),
                    [](const auto& h) { return h.occupation.code == "29-1141.00" && h.field == gap::TitleField::Title; }));
}
