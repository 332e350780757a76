// The explanation rules on hand-made data (no database): anchor bracketing, technology gaps by
// commodity, the most common education category, tasks in order, and domain=all.
#include <catch2/catch.hpp>

#include "nodes/gap/explain.hpp"
#include "nodes/gap/explain_json.hpp"
#include "nodes/gap/skill_gap.hpp"
#include "profile_builder.hpp"

using gap::Anchor;
using gap::TechnologyCommodity;
using gaptest::ProfileBuilder;

namespace {

// Programming's three anchors as O*NET 29.2 publishes them.
const std::vector<Anchor> kProgramming = {
    {2, "Write a program to sort objects in a database", {}},
    {4, "Write a statistical analysis program to analyze demographic data", {}},
    {6, "Write programs to analyze geological data for existence of mineral deposits", {}},
};

std::string describe(const gap::AnchorBracket& b) {
  auto one = [](const Anchor* a) { return a ? std::to_string(static_cast<int>(a->value)) : std::string("-"); };
  return one(b.at_or_below) + ".." + one(b.above);
}

TechnologyCommodity commodity(std::int64_t code, std::vector<gap::TechnologyExample> examples) {
  TechnologyCommodity c;
  c.code = code;
  c.title = "Commodity " + std::to_string(code);
  c.examples = std::move(examples);
  return c;
}

std::vector<std::int64_t> codes(const std::vector<const TechnologyCommodity*>& list) {
  std::vector<std::int64_t> out;
  for (const auto* c : list) out.push_back(c->code);
  return out;
}

}  // namespace

TEST_CASE("anchors: the anchor at or below a value and the one above", "[gap][explain]") {
  struct Case {
    double value;
    std::string expected;  // at_or_below..above, '-' for none
  };
  const std::vector<Case> cases = {
      {0.0, "-..2"},                                   // below the lowest anchor (a level the source lacks: 0)
      {1.99, "-..2"},                                  // just below the lowest
      {2.0, "2..4"},                                   // at the lowest
      {2.75, "2..4"},                                  // between
      {3.999, "4..6"},                                 // 4.00 at O*NET's precision: at the anchor 4
      {4.0, "4..6"},                                   // at a middle anchor
      {4.88, "4..6"},  {5.99, "4..6"}, {6.0, "6..-"},  // at the highest
      {6.5, "6..-"},                                   // above the highest
      {7.0, "6..-"},
  };
  for (const auto& c : cases) {
    INFO(c.value);
    CHECK(describe(gap::bracket(kProgramming, c.value)) == c.expected);
  }
  const auto b = gap::bracket(kProgramming, 2.75);
  REQUIRE(b.at_or_below);
  CHECK(b.at_or_below->description == "Write a program to sort objects in a database");
  CHECK(b.above->value == 4);
  // No anchors at all: nothing to bracket with.
  CHECK(describe(gap::bracket({}, 3.0)) == "-..-");
}

TEST_CASE("anchors: Explanations sorts them and answers null for elements without any", "[gap][explain]") {
  gap::Explanations::Data d;
  d.anchors["2.B.3.e"] = {kProgramming[2], kProgramming[0], kProgramming[1]};
  gap::Explanations e(std::move(d));
  const auto* a = e.anchors("2.B.3.e");
  REQUIRE(a);
  REQUIRE(a->size() == 3);
  CHECK((*a)[0].value == 2);
  CHECK((*a)[2].value == 6);
  CHECK(e.anchors("2.A.1.a") == nullptr);
}

TEST_CASE("technology gaps: the target's commodities the source lacks, hot and in demand first", "[gap][explain]") {
  const std::vector<TechnologyCommodity> from = {
      commodity(43231501, {{"Planner", false, false}}),
      commodity(43232110, {{"Calc", true, false}}),
  };
  const std::vector<TechnologyCommodity> to = {
      commodity(43231501, {{"Other planner", true, true}}),  // shared commodity: not a gap, whatever the example
      commodity(43231601, {{"Ledger", false, false}, {"Books", false, false}, {"Tally", false, false}}),
      commodity(43232110, {{"Calc", true, false}}),                            // shared
      commodity(43232306, {{"Query", false, true}}),                           // in demand only
      commodity(43232402, {{"Snake", true, false}, {"Cobra", false, false}}),  // hot, 2 examples
      commodity(43232604, {{"CAD", true, false}}),                             // hot, 1 example
      commodity(43233501, {{"Mail", true, true}}),                             // hot and in demand
      commodity(43233502, {{"Chat", false, false}}),                           // neither, 1 example
  };
  CHECK(codes(gap::technology_gaps(from, to)) ==
        std::vector<std::int64_t>{43233501, 43232402, 43232604, 43232306, 43231601, 43233502});
  // Equal flags and counts: by commodity code.
  const std::vector<TechnologyCommodity> ties = {commodity(2, {{"b", false, false}}), commodity(1, {{"a", false, false}})};
  std::vector<TechnologyCommodity> sorted_ties = {ties[1], ties[0]};
  CHECK(codes(gap::technology_gaps({}, sorted_ties)) == std::vector<std::int64_t>{1, 2});
  // The source lists everything: no gap; the source lists nothing: every commodity.
  CHECK(gap::technology_gaps(to, to).empty());
  CHECK(gap::technology_gaps({}, to).size() == to.size());

  // The same lists from two occupations of an Explanations, which ranks each occupation's
  // technology once (given here out of code order: Explanations sorts them by code first).
  gap::Explanations::Data d;
  d.occupations["11-1011.00"].technology = {from[1], from[0]};
  d.occupations["15-1252.00"].technology = std::vector<TechnologyCommodity>(to.rbegin(), to.rend());
  d.occupations["15-9901.00"].technology = {ties[0], ties[1]};
  const gap::Explanations e(std::move(d));
  const auto* f = e.occupation("11-1011.00");
  const auto* t = e.occupation("15-1252.00");
  REQUIRE(t->technology_by_rank.size() == to.size());
  CHECK(codes(gap::technology_gaps(f, t)) ==
        std::vector<std::int64_t>{43233501, 43232402, 43232604, 43232306, 43231601, 43233502});
  CHECK(codes(gap::technology_gaps(nullptr, e.occupation("15-9901.00"))) == std::vector<std::int64_t>{1, 2});
  CHECK(gap::technology_gaps(t, t).empty());
  CHECK(codes(gap::technology_gaps(nullptr, t)) == codes(gap::technology_gaps({}, to)));
  CHECK(gap::technology_gaps(t, nullptr).empty());
  // An occupation made by hand (no rank order) is ranked the slow way, with the same answer.
  gap::OccupationExplanation by_hand;
  by_hand.technology = to;
  CHECK(codes(gap::technology_gaps(f, &by_hand)) == codes(gap::technology_gaps(f, t)));
  gap::OccupationExplanation from_by_hand;
  from_by_hand.technology = from;
  CHECK(codes(gap::technology_gaps(&from_by_hand, t)) == codes(gap::technology_gaps(f, t)));
}

TEST_CASE("technology: a commodity is hot or in demand when any example is; examples hot first", "[gap][explain]") {
  std::vector<gap::TechnologyExample> ex = {
      {"Zeta", false, false}, {"Alpha", false, true}, {"Beta", true, false}, {"Gamma", true, true}, {"Aardvark", false, false}};
  gap::sort_examples(ex);
  std::vector<std::string> names;
  for (const auto& e : ex) names.push_back(e.name);
  CHECK(names == std::vector<std::string>{"Gamma", "Beta", "Alpha", "Aardvark", "Zeta"});
  auto c = commodity(1, ex);
  CHECK(c.hot());
  CHECK(c.in_demand());
  auto plain = commodity(2, {{"x", false, false}});
  CHECK_FALSE(plain.hot());
  CHECK_FALSE(plain.in_demand());
}

TEST_CASE("education: the category with the largest share, the lower one on a tie", "[gap][explain]") {
  using L = gap::EducationLevel;
  auto top = gap::most_common_education({{1, "Less", 0}, {2, "School", 3.2}, {5, "Bachelor", 58.1}, {6, "Graduate", 32.3}});
  REQUIRE(top);
  CHECK(top->category == 5);
  CHECK(top->description == "Bachelor");
  CHECK(top->percent == 58.1);
  // Equal at 2 decimals (40.004 and 40.0 are both 40.00): the lower category.
  auto tie = gap::most_common_education({L{4, "Some college", 40.004}, L{3, "Vocational", 40.0}, L{2, "School", 20}});
  REQUIRE(tie);
  CHECK(tie->category == 3);
  CHECK_FALSE(gap::most_common_education({}));
  // One category only.
  CHECK(gap::most_common_education({L{6, "Graduate", 0}})->category == 6);
}

TEST_CASE("tasks: core first, then supplemental, then without a type; by id within", "[gap][explain]") {
  gap::Explanations::Data d;
  d.occupations["15-9901.00"].tasks = {
      {9, "s9", "Supplemental"}, {5, "n5", ""}, {7, "c7", "Core"}, {3, "s3", "Supplemental"}, {8, "c8", "Core"}};
  gap::Explanations e(std::move(d));
  std::vector<std::int64_t> order;
  for (const auto& t : e.occupation("15-9901.00")->tasks) order.push_back(t.id);
  CHECK(order == std::vector<std::int64_t>{7, 8, 3, 9, 5});
  CHECK(e.occupation("11-0000.00") == nullptr);
}

TEST_CASE("job zones: from, to and the step between them", "[gap][explain]") {
  gap::Explanations::Data d;
  for (int z = 5; z >= 1; --z)
    d.job_zones.push_back({z, "Job Zone " + std::to_string(z), "exp", "edu", "train", "ex", "svp", {}});
  d.occupations["a"].job_zone = 2;
  d.occupations["b"].job_zone = 4;
  d.occupations["c"];  // mentioned (tasks, say) but no zone
  gap::Explanations e(std::move(d));
  auto s = gap::job_zone_step(e, "a", "b");
  REQUIRE(s.from);
  REQUIRE(s.to);
  CHECK(s.from->zone == 2);
  CHECK(s.to->name == "Job Zone 4");
  CHECK(s.step == 2);
  CHECK(gap::signed_step(*s.step) == "+2");
  CHECK(gap::job_zone_step(e, "b", "a").step == -2);
  CHECK(gap::signed_step(-2) == "-2");
  CHECK(gap::signed_step(0) == "0");
  CHECK(gap::job_zone_step(e, "a", "a").step == 0);
  auto missing = gap::job_zone_step(e, "a", "c");
  CHECK(missing.from);
  CHECK_FALSE(missing.to);
  CHECK_FALSE(missing.step);
  CHECK_FALSE(gap::job_zone_step(e, "x", "b").from);
  CHECK(e.job_zone(6) == nullptr);
}

TEST_CASE("each part's JSON is written once, by Explanations, exactly as answers show it", "[gap][explain]") {
  gap::Explanations::Data d;
  d.anchors["2.B.3.e"] = kProgramming;
  d.anchors["2.B.3.e"].push_back({1.5, "A \"quoted\" back\\slash", {}});
  d.job_zones.push_back({3, "Job Zone Three", "exp", "Vocational \"school\"", "train", "ex", "(6.0 to < 7.0)", {}});
  auto& occ = d.occupations["15-9901.00"];
  occ.education = {{6, "Bachelor's Degree", 41.504}, {3, "Post-Secondary Certificate", 12.0}};
  gap::TechnologyCommodity c{43232402, "Program development software", {}, {}};
  for (int i = 0; i < 12; ++i) c.examples.push_back({"Tool " + std::to_string(i), i == 4, false});
  occ.technology.push_back(c);
  d.occupations["15-9902.00"];  // no education rows
  const gap::Explanations e(std::move(d));
  const auto& anchors = *e.anchors("2.B.3.e");
  CHECK(anchors[0].json == R"({"value":1.5,"description":"A \"quoted\" back\\slash"})");
  CHECK(anchors[1].json == R"({"value":2,"description":"Write a program to sort objects in a database"})");
  CHECK(e.job_zone(3)->json ==
        R"({"job_zone":3,"name":"Job Zone Three","education":"Vocational \"school\"","experience":"exp","job_training":"train",)"
        R"j("svp_range":"(6.0 to < 7.0)"})j");
  CHECK(e.occupation("15-9901.00")->education_json == R"({"category":6,"description":"Bachelor's Degree","percent":41.5})");
  CHECK(e.occupation("15-9902.00")->education_json == "null");
  const std::string& tech = e.occupation("15-9901.00")->technology[0].json;
  CHECK(tech.starts_with(R"({"commodity_code":43232402,"commodity_title":"Program development software","hot_technology":true,)"
                         R"("in_demand":false,"example_count":12,"examples":[{"name":"Tool 4","hot_technology":true,)"));
  std::size_t listed = 0;
  for (auto at = tech.find("\"name\""); at != std::string::npos; at = tech.find("\"name\"", at + 1)) ++listed;
  CHECK(listed == gap::kExamplesPerTechnology);  // 10 of the 12 listed; example_count says 12
}

TEST_CASE("domain=all: skills, knowledge and abilities together, ordered as for one domain", "[gap][explain]") {
  auto from = ProfileBuilder("a").lv("2.A.1.a", 3.0).lv("2.C.3.a", 1.0).build();
  auto to = ProfileBuilder("b")
                .lv("2.A.1.a", 4.0)       // skills, gap 1
                .lv("2.B.3.e", 2.5)       // skills, gap 2.5 (missing)
                .lv("2.C.3.a", 3.5)       // knowledge, gap 2.5
                .lv("2.C.10", 1.0)        // knowledge, gap 1
                .lv("1.A.1.a.1", 1.0)     // abilities, gap 1
                .lv("4.A.1.a.1", 6.0)     // work activities: in no domain
                .lv("2.C.4.a", 2.0, 'Y')  // Not Relevant
                .build();
  gap::GapOptions all;
  all.domain = gap::Domain::All;
  auto r = gap::compute_gap(from, to, all);
  std::vector<std::string> ids;
  for (const auto& g : r.gaps) ids.push_back(g.element_id);
  // Largest gap first, then element id in O*NET order across the domains.
  CHECK(ids == std::vector<std::string>{"2.B.3.e", "2.C.3.a", "1.A.1.a.1", "2.A.1.a", "2.C.10"});
  CHECK(r.required == 5);
  // The union of the single-domain answers, no more.
  std::size_t single = 0;
  for (auto d : {gap::Domain::Skills, gap::Domain::Knowledge, gap::Domain::Abilities}) {
    gap::GapOptions o;
    o.domain = d;
    single += gap::compute_gap(from, to, o).gaps.size();
  }
  CHECK(single == r.gaps.size());
  CHECK(gap::domain_of(*to.find("1.A.1.a.1")->element) == gap::Domain::Abilities);
  CHECK_FALSE(gap::domain_of(*to.find("4.A.1.a.1")->element));
  CHECK(to.has_level_ratings(gap::Domain::All));
  CHECK_FALSE(ProfileBuilder("c").lv("4.A.1.a.1", 1.0).build().has_level_ratings(gap::Domain::All));
  // A stored domain wins over the id.
  CHECK(gap::in_domain(gap::Element{"9.Z", "x", "knowledge", {}}, gap::Domain::All));
  CHECK_FALSE(gap::in_domain(gap::Element{"2.A.1.a", "x", "other", {}}, gap::Domain::All));
}

TEST_CASE("the message names the domains actually compared", "[gap][explain]") {
  auto to = ProfileBuilder("b").lv("2.A.1.a", 4.0).lv("2.C.3.a", 3.5).lv("1.A.1.a.1", 1.0, 'Y').build();
  gap::GapOptions o;
  const auto onet = gap::ValueSource::Onet;
  CHECK(gap::compared_domains_noun(to, o, onet) == "skill");
  o.domain = gap::Domain::Knowledge;
  CHECK(gap::compared_domains_noun(to, o, onet) == "knowledge");
  o.domain = gap::Domain::All;
  CHECK(gap::compared_domains_noun(to, o, onet) == "skill and knowledge");  // the ability row is Not Relevant
  o.include_not_relevant = true;
  CHECK(gap::compared_domains_noun(to, o, onet) == "skill, knowledge and ability");
  // Only what has a value under the source counts: no LLM values, nothing compared -> "skill".
  CHECK(gap::compared_domains_noun(to, o, gap::ValueSource::Llm) == "skill");
  auto skills_only = ProfileBuilder("c").lv("2.A.1.a", 4.0).build();
  CHECK(gap::compared_domains_noun(skills_only, o, onet) == "skill");
  CHECK(gap::parse_domain("all") == gap::Domain::All);
  CHECK(gap::to_string(gap::Domain::All) == "all");
  CHECK_FALSE(gap::parse_domain("everything"));
}
