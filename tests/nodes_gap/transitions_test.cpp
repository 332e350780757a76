// The transitions ranking on hand-made occupations (no database): the formula, what ranks
// first, job zones, asymmetry, ties, filters, errors, and that the dense view's gaps are
// compute_gap's for every pair and value source.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include <nlohmann/json.hpp>

#include "nodes/gap/errors.hpp"
#include "nodes/gap/similarity_view.hpp"
#include "nodes/gap/transitions.hpp"
#include "nodes/gap/transitions_json.hpp"
#include "profile_builder.hpp"

using gap::JobZoneRule;
using gap::TransitionDomain;
using gap::TransitionOptions;

namespace {

const char* kSkills[] = {"2.A.1.a", "2.A.1.b", "2.A.2.a", "2.B.1.a", "2.B.3.e", "2.B.5.a"};
const char* kKnowledge[] = {"2.C.1.a", "2.C.2.a"};

// An occupation with O*NET-style LV values (IM 3 everywhere) for the six skills and two
// knowledge areas above.
gap::ProfilePtr occ(const std::string& code, const std::string& title, const std::string& description, int zone,
                    std::vector<double> skills, std::vector<double> knowledge) {
  gaptest::ProfileBuilder b(code, title);
  for (std::size_t i = 0; i < skills.size(); ++i) b.lv(kSkills[i], skills[i]).im(kSkills[i], 3.0);
  for (std::size_t i = 0; i < knowledge.size(); ++i) b.lv(kKnowledge[i], knowledge[i]).im(kKnowledge[i], 3.0);
  auto p = b.build();
  p.description = description;
  p.job_zone = zone;
  return std::make_shared<const gap::OccupationProfile>(std::move(p));
}

const std::string kBaking = "Bake pastries, cakes, tarts and breads in a commercial bakery kitchen; decorate desserts.";

std::vector<gap::ProfilePtr> bakery() {
  return {
      occ("35-2011.00", "Pastry Chefs", kBaking, 3, {3, 3, 2, 1, 4, 1}, {2, 4}),
      occ("35-2012.00", "Pastry Cooks", kBaking, 3, {3, 3.25, 2, 1, 4, 1}, {2, 4}),  // near-identical
      occ("35-2013.00", "Pastry Cooks", kBaking, 3, {3, 3.25, 2, 1, 4, 1}, {2, 4}),  // the same again: a tie
      occ("35-2015.00", "Pastry Cooks", kBaking, 5, {3, 3.25, 2, 1, 4, 1}, {2, 4}),  // the same, two zones up
      occ("35-2014.00", "Line Cooks", "Cook meals and prepare food on a restaurant kitchen line.", 2, {2, 2, 1.5, 1, 3, 1},
          {1, 2}),
      occ("13-2011.00", "Tax Accountants", "Prepare tax returns, audit ledgers and advise clients on filings.", 4,
          {4, 4, 4.5, 3, 1, 3}, {5, 1}),
      occ("53-3032.00", "Truck Drivers", "Drive heavy trucks over long distances and secure freight loads.", 2,
          {2, 2, 2, 3, 1, 1}, {1, 1}),
      occ("11-9051.00", "Executive Pastry Chefs",
          "Manage the pastry kitchen of a commercial bakery; create pastries, cakes and desserts and lead the bakers.", 5,
          {4.5, 4.5, 3.5, 2.5, 5.5, 2.5}, {3.5, 5.5}),
  };
}

std::vector<std::string> codes(const gap::TransitionResult& r) {
  std::vector<std::string> out;
  for (const auto& t : r.transitions) out.push_back(t.to->code);
  return out;
}

TransitionOptions all_of(TransitionOptions o = {}) {
  o.limit = 100;
  return o;
}

std::ptrdiff_t rank_of(const gap::TransitionResult& r, const std::string& code) {
  auto c = codes(r);
  auto it = std::find(c.begin(), c.end(), code);
  return it == c.end() ? -1 : it - c.begin();
}

}  // namespace

TEST_CASE("transition_score: the formula, part by part", "[gap][transitions]") {
  struct Case {
    double t, r, w;
    std::optional<int> step;
    JobZoneRule rule;
    double similarity, learning, zone;
  };
  const Case cases[] = {
      {0.6, 0.8, 0, 0, JobZoneRule::Any, 0.7, 1.0, 1.0},
      {0.6, 0.8, 2, 0, JobZoneRule::Any, 0.7, 0.5, 1.0},
      {0.6, 0.8, 6, 0, JobZoneRule::Any, 0.7, 0.25, 1.0},
      {1, 1, 0, 1, JobZoneRule::Any, 1, 1, std::exp(-0.15)},
      {1, 1, 0, -1, JobZoneRule::Within1, 1, 1, std::exp(-0.15)},
      {1, 1, 0, 2, JobZoneRule::Any, 1, 1, std::exp(-0.65)},
      {1, 1, 0, -3, JobZoneRule::Any, 1, 1, std::exp(-1.15)},
      {1, 1, 0, 2, JobZoneRule::Up, 1, 1, 1},  // asked for: not demoted
      {1, 1, 0, -2, JobZoneRule::Down, 1, 1, 1},
      {1, 1, 0, std::nullopt, JobZoneRule::Any, 1, 1, 1},  // a zone unknown
      {0, 0, 0, 0, JobZoneRule::Any, 0, 1, 1},
  };
  for (const auto& c : cases) {
    INFO("T " << c.t << " R " << c.r << " W " << c.w << " step " << (c.step ? *c.step : 99));
    auto s = gap::transition_score(c.t, c.r, c.w, c.step, c.rule);
    CHECK(s.similarity == Approx(c.similarity));
    CHECK(s.learning == Approx(c.learning));
    CHECK(s.job_zone == Approx(c.zone));
    CHECK(s.score == Approx(c.similarity * c.learning * c.zone));
  }
}

TEST_CASE("transitions: a near-identical occupation ranks first, equal scores by code", "[gap][transitions]") {
  gap::SimilarityView view(bakery(), nullptr);
  auto r = gap::rank_transitions(view, "35-2011.00", {});
  REQUIRE(r.transitions.size() == 7);  // every other occupation (limit 10)
  CHECK(r.candidates == 7);
  CHECK(r.transitions[0].to->code == "35-2012.00");
  CHECK(r.transitions[1].to->code == "35-2013.00");  // the same scores: the higher code second
  CHECK(r.transitions[0].score.score == r.transitions[1].score.score);
  CHECK(r.transitions[0].gap_count == 1);
  CHECK(r.transitions[0].weighted_gap == 0.15);  // 0.25 x IM 3 / 5
  REQUIRE(r.transitions[0].top_gaps.size() == 1);
  CHECK(r.transitions[0].top_gaps[0].gap.element_id == "2.A.1.b");
  for (const auto& t : r.transitions) CHECK(t.to->code != "35-2011.00");
  for (std::size_t i = 1; i < r.transitions.size(); ++i) {
    const auto& a = r.transitions[i - 1];
    const auto& b = r.transitions[i];
    CHECK((a.score.score > b.score.score || (a.score.score == b.score.score && a.to->code < b.to->code)));
  }
  // Unrelated work with a lot to learn comes last.
  CHECK(rank_of(r, "13-2011.00") > rank_of(r, "35-2014.00"));

  // Same answer whatever order the snapshot held the profiles in.
  auto shuffled = bakery();
  std::mt19937 rng(12);
  for (int i = 0; i < 5; ++i) {
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    gap::SimilarityView v2(shuffled, nullptr);
    auto r2 = gap::rank_transitions(v2, "35-2011.00", {});
    CHECK(codes(r2) == codes(r));
    for (std::size_t k = 0; k < r.transitions.size(); ++k) CHECK(r2.transitions[k].score.score == r.transitions[k].score.score);
  }
}

TEST_CASE("transitions: a much higher job zone is demoted, and left out under within1", "[gap][transitions]") {
  gap::SimilarityView view(bakery(), nullptr);
  const std::string up2 = "35-2015.00";  // = Pastry Cooks (35-2012.00) but job zone 5 instead of 3
  auto any = gap::rank_transitions(view, "35-2011.00", all_of());
  REQUIRE(rank_of(any, up2) >= 0);
  CHECK(rank_of(any, up2) > rank_of(any, "35-2012.00"));
  const auto& z = any.transitions[static_cast<std::size_t>(rank_of(any, up2))];
  CHECK(z.zone_step == 2);
  CHECK(z.score.job_zone == Approx(std::exp(-0.65)));
  CHECK(z.score.similarity == Approx(any.transitions[0].score.similarity));  // only the zone differs

  TransitionOptions o = all_of();
  o.job_zone = JobZoneRule::Within1;
  auto w1 = gap::rank_transitions(view, "35-2011.00", o);
  CHECK(rank_of(w1, up2) == -1);
  CHECK(rank_of(w1, "11-9051.00") == -1);  // zone 5 as well
  CHECK(codes(w1).size() == 5);
  for (const auto& t : w1.transitions) CHECK(std::abs(*t.zone_step) <= 1);

  o.job_zone = JobZoneRule::Up;  // asked for: not demoted
  auto up = gap::rank_transitions(view, "35-2011.00", o);
  auto up_codes = codes(up);
  REQUIRE(up_codes.size() == 3);
  CHECK(up_codes[0] == up2);  // near-identical, now that going up is what was asked
  std::sort(up_codes.begin(), up_codes.end());
  CHECK(up_codes == std::vector<std::string>{"11-9051.00", "13-2011.00", up2});
  CHECK(up.transitions[0].score.job_zone == 1.0);
  o.job_zone = JobZoneRule::Same;
  CHECK(codes(gap::rank_transitions(view, "35-2011.00", o)) == std::vector<std::string>{"35-2012.00", "35-2013.00"});
  o.job_zone = JobZoneRule::Down;
  auto down = gap::rank_transitions(view, "35-2011.00", o);
  CHECK(codes(down).size() == 2);
  for (const auto& t : down.transitions) CHECK(*t.zone_step < 0);
}

TEST_CASE("transitions are asymmetric: moving up means learning, moving down does not", "[gap][transitions]") {
  gap::SimilarityView view(bakery(), nullptr);
  auto from_chef = gap::rank_transitions(view, "35-2011.00", all_of());
  auto from_exec = gap::rank_transitions(view, "11-9051.00", all_of());
  const auto& up = from_chef.transitions[static_cast<std::size_t>(rank_of(from_chef, "11-9051.00"))];
  const auto& down = from_exec.transitions[static_cast<std::size_t>(rank_of(from_exec, "35-2011.00"))];
  CHECK(up.score.similarity == Approx(down.score.similarity));  // symmetric parts
  CHECK(up.score.job_zone == Approx(down.score.job_zone));
  CHECK(up.weighted_gap > 5);  // 1.5 levels short everywhere
  CHECK(down.weighted_gap == 0);
  CHECK(up.score.score < down.score.score);
  CHECK(rank_of(from_chef, "11-9051.00") > rank_of(from_exec, "35-2011.00"));
}

TEST_CASE("transitions: filters, limit, domains", "[gap][transitions]") {
  gap::SimilarityView view(bakery(), nullptr);
  TransitionOptions o;
  o.exclude_group = true;  // 35-2xxx is the source's own minor group (35-2000)
  auto others = codes(gap::rank_transitions(view, "35-2011.00", o));
  std::sort(others.begin(), others.end());
  CHECK(others == std::vector<std::string>{"11-9051.00", "13-2011.00", "53-3032.00"});
  CHECK(gap::soc_minor_group("35-2011.00") == "35-2");
  CHECK(gap::soc_minor_group("29-1141.00") == gap::soc_minor_group("29-1229.01"));  // both in 29-1000
  CHECK(gap::soc_minor_group("29-1141.00") != gap::soc_minor_group("29-2043.00"));  // 29-2000

  o = {};
  o.max_weighted_gap = 0;
  auto none = gap::rank_transitions(view, "35-2011.00", o);
  CHECK(codes(none) == std::vector<std::string>{"35-2014.00"});  // Line Cooks need nothing more
  CHECK(none.candidates == 1);

  o = {};
  o.limit = 2;
  auto two = gap::rank_transitions(view, "35-2011.00", o);
  CHECK(two.transitions.size() == 2);
  CHECK(two.candidates == 7);

  o = {};
  o.domain = TransitionDomain::Knowledge;
  auto k = gap::rank_transitions(view, "35-2011.00", o);
  for (const auto& t : k.transitions)
    for (const auto& g : t.top_gaps) CHECK(g.domain == gap::Domain::Knowledge);

  o.domain = TransitionDomain::All;
  o.limit = 100;
  auto all = gap::rank_transitions(view, "35-2011.00", o);
  const auto& exec = all.transitions[static_cast<std::size_t>(rank_of(all, "11-9051.00"))];
  CHECK(exec.gap_count == 8);       // 6 skills + 2 knowledge, all 1.5 short
  CHECK(exec.weighted_gap == 7.2);  // 8 x 1.5 x 3 / 5
  REQUIRE(exec.top_gaps.size() == 3);
  CHECK(exec.top_gaps[0].gap.element_id == "2.A.1.a");  // equal gaps: element order across domains
  CHECK(exec.top_gaps[2].gap.element_id == "2.A.2.a");
}

TEST_CASE("transitions: unknown and unrated sources are typed errors", "[gap][transitions]") {
  auto ps = bakery();
  gaptest::ProfileBuilder nothing("47-9901.00", "Castle Moat Installers");
  ps.push_back(std::make_shared<const gap::OccupationProfile>(nothing.build()));
  gap::SimilarityView view(ps, nullptr);
  CHECK_THROWS_AS(gap::rank_transitions(view, "99-9999.00", {}), gap::UnknownOccupation);
  try {
    gap::rank_transitions(view, "47-9901.00", {});
    FAIL("no error");
  } catch (const gap::NoRatings& e) {
    CHECK(e.code() == "47-9901.00");
    CHECK(e.domain() == "skills");
    CHECK(e.source().empty());
  }
  // ... and it is never a target.
  CHECK(rank_of(gap::rank_transitions(view, "35-2011.00", all_of()), "47-9901.00") == -1);
  TransitionOptions o;
  o.source = gap::ValueSource::Llm;  // nobody has LLM values here
  try {
    gap::rank_transitions(view, "35-2011.00", o);
    FAIL("no error");
  } catch (const gap::NoRatings& e) {
    CHECK(e.source() == "llm");
  }
}

TEST_CASE("transitions: the dense view's gaps are compute_gap's, for every pair and source", "[gap][transitions]") {
  auto ps = bakery();
  // Harder rows: estimates only, refined and LLM values, Not Relevant flags, missing elements
  // and importances, values that round at the third decimal.
  {
    gaptest::ProfileBuilder b("15-1252.00", "Software Developers");
    b.lv_values("2.A.1.a", std::nullopt, 3.5, 3.5).lv_values("2.B.3.e", 4.2, 4.6, 4.4).lv("2.A.2.a", 4.125, 'Y');
    b.lv("2.C.1.a", 1.005).im("2.A.1.a", 4.0);
    auto p = b.build();
    for (auto& r : p.ratings)
      if (r.level) r.level->estimate = (r.level->data_value ? *r.level->data_value : 3.0) + 0.37;
    gap::ElementRating extra;
    extra.element = gaptest::element("2.B.5.a");
    extra.level.emplace();
    extra.level->estimate = 2.875;
    extra.importance.emplace();
    extra.importance->estimate = 2.5;
    p.ratings.push_back(extra);
    p.job_zone = 4;
    p.finalize();
    ps.push_back(std::make_shared<const gap::OccupationProfile>(std::move(p)));
  }
  {
    gaptest::ProfileBuilder b("15-1253.00", "Estimated Testers");
    b.lv("2.A.1.b", 5.0, 'Y').lv("2.B.1.a", 0.0).im("2.B.1.a", 1.0);
    ps.push_back(std::make_shared<const gap::OccupationProfile>(b.build()));
  }
  gap::SimilarityView view(ps, nullptr);
  std::size_t checked = 0;
  for (std::optional<gap::ValueSource> src :
       {std::optional<gap::ValueSource>(), std::optional(gap::ValueSource::Onet), std::optional(gap::ValueSource::Estimate),
        std::optional(gap::ValueSource::Llm), std::optional(gap::ValueSource::Refined)}) {
    for (auto dom : {TransitionDomain::Skills, TransitionDomain::Knowledge, TransitionDomain::All}) {
      for (const auto& from : ps) {
        TransitionOptions o = all_of();
        o.source = src;
        o.domain = dom;
        gap::TransitionResult r;
        try {
          r = gap::rank_transitions(view, from->code, o);
        } catch (const gap::NoRatings&) {
          continue;
        }
        for (const auto& t : r.transitions) {
          std::int64_t units = 0;
          std::size_t count = 0;
          for (auto d : gap::domains_of(dom)) {
            gap::GapOptions go;
            go.source = src;
            go.domain = d;
            auto g = gap::compute_gap(*from, *t.to, go);
            count += g.gaps.size();
            for (const auto& x : g.gaps) units += gap::hundredths(x.gap) * (x.importance ? gap::hundredths(*x.importance) : 500);
          }
          INFO(from->code << " -> " << t.to->code);
          CHECK(t.gap_count == count);
          CHECK(gap::hundredths(t.weighted_gap) == (units + 250) / 500);
          ++checked;
        }
      }
    }
  }
  CHECK(checked > 300);
}

TEST_CASE("transitions: the JSON and TSV writers", "[gap][transitions]") {
  gap::SimilarityView view(bakery(), nullptr);
  TransitionOptions o;
  o.limit = 3;
  o.domain = TransitionDomain::All;
  auto r = gap::rank_transitions(view, "35-2011.00", o);
  std::string text;
  gap::append_transitions_json(text, r, {7, "29.2"});
  auto j = nlohmann::json::parse(text);
  CHECK(j["from_occupation_code"] == "35-2011.00");
  CHECK(j["from_job_zone"] == 3);
  CHECK(j["load_run_id"] == 7);
  CHECK(j["onet_release"] == "29.2");
  CHECK(j["options"] == nlohmann::json::parse(R"({"limit":3,"domain":"all","job_zone":"any","max_weighted_gap":null,
                                                   "exclude_group":false,"source":"auto"})"));
  CHECK(j["count"] == 3);
  CHECK(j["candidates"] == 7);
  REQUIRE(j["transitions"].size() == 3);
  const auto& t = j["transitions"][0];
  CHECK(t["rank"] == 1);
  CHECK(t["code"] == "35-2012.00");
  CHECK(t["job_zone"] == nlohmann::json::parse(R"({"from":3,"to":3,"step":0})"));
  CHECK(t["skill_gap_url"] == "/skill-gap?from=35-2011.00&to=35-2012.00");
  CHECK(t["knowledge_gap_url"] == "/skill-gap?from=35-2011.00&to=35-2012.00&domain=knowledge");
  CHECK(t["top_gaps"][0]["domain"] == "skills");
  CHECK(t["top_gaps"][0]["gap"] == 0.25);
  CHECK(t["score"].get<double>() ==
        Approx(t["score_parts"]["similarity"].get<double>() * t["score_parts"]["learning"].get<double>() *
               t["score_parts"]["job_zone"].get<double>())
            .margin(1e-4));
  CHECK(gap::transitions_message(r) == "Found 3 transitions from 'Pastry Chefs', best first.");

  std::string tsv = gap::transitions_tsv_header();
  gap::append_transitions_tsv(tsv, r);
  CHECK(std::count(tsv.begin(), tsv.end(), '\n') == 4);
  CHECK(tsv.find("35-2011.00\tPastry Chefs\t1\t35-2012.00\tPastry Cooks\t") != std::string::npos);
  CHECK(tsv.find("\t2.A.1.b=0.25\n") != std::string::npos);
}
