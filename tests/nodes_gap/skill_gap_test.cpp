// The gap semantics, case by case, on hand-made profiles (no database, no server).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "nodes/gap/code_map.hpp"
#include "nodes/gap/occupation_code.hpp"
#include "nodes/gap/skill_gap.hpp"
#include "profile_builder.hpp"

using gap::compute_gap;
using gap::GapOptions;
using gaptest::ProfileBuilder;

namespace {

std::vector<std::string> ids(const gap::GapResult& r) {
  std::vector<std::string> out;
  for (const auto& g : r.gaps) out.push_back(g.element_id);
  return out;
}

}  // namespace

TEST_CASE("equal values are not a gap, lower values are", "[gap]") {
  auto from = ProfileBuilder("15-1254.00").lv("2.B.3.e", 3.12).lv("2.A.1.a", 4.0).build();
  auto to = ProfileBuilder("15-1251.00").lv("2.B.3.e", 4.5).lv("2.A.1.a", 4.0).build();
  auto r = compute_gap(from, to, {});
  REQUIRE(r.gaps.size() == 1);
  CHECK(r.required == 2);
  CHECK(r.gaps[0].element_id == "2.B.3.e");
  CHECK(r.gaps[0].from_value == 3.12);
  CHECK(r.gaps[0].to_value == 4.5);
  CHECK(r.gaps[0].gap == 1.38);  // exact: computed in hundredths
  CHECK_FALSE(r.gaps[0].from_missing);
  CHECK(r.gaps[0].scale_id == "LV");
}

TEST_CASE("a higher source value is not a gap", "[gap]") {
  auto from = ProfileBuilder("a").lv("2.A.1.a", 5.0).build();
  auto to = ProfileBuilder("b").lv("2.A.1.a", 4.0).build();
  CHECK(compute_gap(from, to, {}).gaps.empty());
}

TEST_CASE("a missing source row is a gap from 0", "[gap]") {
  auto from = ProfileBuilder("a").lv("2.A.1.a", 1.0).im("2.A.1.b", 3.0).build();  // 2.A.1.b: IM only
  auto to = ProfileBuilder("b").lv("2.A.1.b", 2.25).lv("2.A.1.c", 0.5).build();
  auto r = compute_gap(from, to, {});
  REQUIRE(r.gaps.size() == 2);
  CHECK(r.gaps[0].element_id == "2.A.1.b");
  CHECK(r.gaps[0].from_value == 0);
  CHECK(r.gaps[0].gap == 2.25);
  CHECK(r.gaps[0].from_missing);
  CHECK(r.gaps[1].element_id == "2.A.1.c");
  CHECK(r.gaps[1].from_missing);
}

TEST_CASE("target rows flagged Not Relevant are not required unless asked", "[gap]") {
  auto from = ProfileBuilder("a").build();
  auto to = ProfileBuilder("b").lv("2.A.1.a", 1.0, 'Y').lv("2.A.1.b", 2.0, 'N').lv("2.A.1.c", 0.5, 0).build();
  auto r = compute_gap(from, to, {});
  CHECK(ids(r) == std::vector<std::string>{"2.A.1.b", "2.A.1.c"});
  CHECK(r.required == 2);

  GapOptions all;
  all.include_not_relevant = true;
  auto r2 = compute_gap(from, to, all);
  CHECK(ids(r2) == std::vector<std::string>{"2.A.1.b", "2.A.1.a", "2.A.1.c"});
  CHECK(r2.gaps[1].not_relevant);
  CHECK_FALSE(r2.gaps[0].not_relevant);
}

TEST_CASE("the source's own Not Relevant flag does not matter", "[gap]") {
  auto from = ProfileBuilder("a").lv("2.A.1.a", 1.0, 'Y').build();
  auto to = ProfileBuilder("b").lv("2.A.1.a", 3.0).build();
  auto r = compute_gap(from, to, {});
  REQUIRE(r.gaps.size() == 1);
  CHECK(r.gaps[0].from_value == 1.0);
}

TEST_CASE("values compare at 2-decimal precision", "[gap]") {
  GapOptions llm;
  llm.source = gap::ValueSource::Llm;
  auto to = ProfileBuilder("b").lv_values("2.A.1.a", std::nullopt, 3.12, std::nullopt).build();
  // 3.1249 rounds to 3.12: equal, no gap.
  auto eq = ProfileBuilder("a").lv_values("2.A.1.a", std::nullopt, 3.1249, std::nullopt).build();
  CHECK(compute_gap(eq, to, llm).gaps.empty());
  // 3.115 is written with 3 decimals; it rounds half up to 3.12 despite its binary value.
  auto half = ProfileBuilder("a").lv_values("2.A.1.a", std::nullopt, 3.115, std::nullopt).build();
  CHECK(compute_gap(half, to, llm).gaps.empty());
  // 3.1149 rounds to 3.11: a gap of exactly 0.01.
  auto below = ProfileBuilder("a").lv_values("2.A.1.a", std::nullopt, 3.1149, std::nullopt).build();
  auto r = compute_gap(below, to, llm);
  REQUIRE(r.gaps.size() == 1);
  CHECK(r.gaps[0].gap == 0.01);
  CHECK(r.gaps[0].from_value == 3.11);
  // Values above the target's only after rounding are still not gaps.
  auto above = ProfileBuilder("a").lv_values("2.A.1.a", std::nullopt, 3.1201, std::nullopt).build();
  CHECK(compute_gap(above, to, llm).gaps.empty());
}

TEST_CASE("binary noise does not create gaps", "[gap]") {
  // 0.1 + 0.2 != 0.3 in binary; at O*NET precision they are equal.
  auto from = ProfileBuilder("a").lv("2.A.1.a", 0.1 + 0.2).build();
  auto to = ProfileBuilder("b").lv("2.A.1.a", 0.3).build();
  CHECK(compute_gap(from, to, {}).gaps.empty());
}

TEST_CASE("order: largest gap first, then element id in O*NET order", "[gap]") {
  auto from = ProfileBuilder("a").build();
  auto to =
      ProfileBuilder("b").lv("2.C.10", 2.0).lv("2.C.2", 2.0).lv("2.B.1.a", 2.0).lv("2.A.2.a", 3.5).lv("2.A.1.b", 1.0).build();
  GapOptions knowledge;
  knowledge.domain = gap::Domain::Knowledge;
  CHECK(ids(compute_gap(from, to, knowledge)) == std::vector<std::string>{"2.C.2", "2.C.10"});
  CHECK(ids(compute_gap(from, to, {})) == std::vector<std::string>{"2.A.2.a", "2.B.1.a", "2.A.1.b"});
}

TEST_CASE("min_gap keeps gaps at least that large, compared in hundredths", "[gap]") {
  auto from = ProfileBuilder("a").lv("2.A.1.a", 1.0).lv("2.A.1.b", 1.01).lv("2.A.1.c", 1.0).build();
  auto to = ProfileBuilder("b").lv("2.A.1.a", 1.5).lv("2.A.1.b", 1.5).lv("2.A.1.c", 2.0).build();
  GapOptions o;
  o.min_gap = 0.5;
  CHECK(ids(compute_gap(from, to, o)) == std::vector<std::string>{"2.A.1.c", "2.A.1.a"});
  o.min_gap = 0;  // the default still requires a positive gap
  CHECK(compute_gap(from, to, o).gaps.size() == 3);
  o.min_gap = 7;
  CHECK(compute_gap(from, to, o).gaps.empty());
}

TEST_CASE("min_importance filters on the target's IM", "[gap]") {
  auto from = ProfileBuilder("a").build();
  auto to = ProfileBuilder("b")
                .lv("2.A.1.a", 2.0)
                .im("2.A.1.a", 3.0)
                .lv("2.A.1.b", 2.0)
                .im("2.A.1.b", 2.99)
                .lv("2.A.1.c", 2.0)  // no IM row
                .build();
  auto plain = compute_gap(from, to, {});
  REQUIRE(plain.gaps.size() == 3);
  CHECK(plain.gaps[0].importance == 3.0);
  CHECK_FALSE(plain.gaps[2].importance.has_value());

  GapOptions o;
  o.min_importance = 3.0;
  CHECK(ids(compute_gap(from, to, o)) == std::vector<std::string>{"2.A.1.a"});
  o.min_importance = 0;  // explicit 0: rows without IM cannot show they reach it
  CHECK(ids(compute_gap(from, to, o)) == std::vector<std::string>{"2.A.1.a", "2.A.1.b"});
}

TEST_CASE("value sources", "[gap]") {
  auto from = ProfileBuilder("a").lv_values("2.A.1.a", 2.0, 3.0, 2.5).lv("2.A.1.b", 1.0).build();
  auto to = ProfileBuilder("b")
                .lv_values("2.A.1.a", 3.0, 3.0, 3.0)
                .lv("2.A.1.b", 2.0)                            // no enrichment
                .lv_values("2.A.1.c", std::nullopt, 4.0, 4.0)  // LLM-only row
                .build();
  SECTION("auto: O*NET's values on a side O*NET rates, even where LLM data exists") {
    auto r = compute_gap(from, to, {});
    CHECK(r.from_source == gap::ValueSource::Onet);
    CHECK(r.to_source == gap::ValueSource::Onet);
    CHECK(ids(r) == std::vector<std::string>{"2.A.1.a", "2.A.1.b"});  // the LLM-only row is not O*NET's
  }
  SECTION("explicit refined: the blend, O*NET where enrichment produced nothing, LLM-only rows") {
    GapOptions o;
    o.source = gap::ValueSource::Refined;
    auto r = compute_gap(from, to, o);
    CHECK(r.source == gap::ValueSource::Refined);
    // refined: 2.5 -> 3.0; 2.A.1.b falls back to O*NET's 1 -> 2; LLM-only row from 0.
    CHECK(ids(r) == std::vector<std::string>{"2.A.1.c", "2.A.1.b", "2.A.1.a"});
    CHECK(r.gaps[2].gap == 0.5);
  }
  SECTION("auto: a side O*NET does not rate reads its refined (LLM) values") {
    auto llm_only = ProfileBuilder("c").lv_values("2.A.1.a", std::nullopt, 4.0, 4.0).build();
    auto r = compute_gap(from, llm_only, {});
    CHECK(r.from_source == gap::ValueSource::Onet);
    CHECK(r.to_source == gap::ValueSource::Refined);
    REQUIRE(ids(r) == std::vector<std::string>{"2.A.1.a"});
    CHECK(r.gaps[0].gap == 2.0);  // O*NET's 2.0 -> the LLM-only 4.0
    CHECK(r.to_estimated);
  }
  SECTION("onet ignores enrichment and LLM-only rows") {
    GapOptions o;
    o.source = gap::ValueSource::Onet;
    auto r = compute_gap(from, to, o);
    CHECK(r.source == gap::ValueSource::Onet);
    CHECK(ids(r) == std::vector<std::string>{"2.A.1.a", "2.A.1.b"});
    CHECK(r.required == 2);
  }
  SECTION("llm uses LLM values only") {
    GapOptions o;
    o.source = gap::ValueSource::Llm;
    auto r = compute_gap(from, to, o);
    // 2.A.1.a: 3.0 vs 3.0 equal; 2.A.1.b has no LLM value on the target: not required.
    CHECK(ids(r) == std::vector<std::string>{"2.A.1.c"});
    CHECK(r.required == 2);
  }
  SECTION("auto is onet without enrichment") {
    auto plain_from = ProfileBuilder("a").lv("2.A.1.a", 1.0).build();
    auto plain_to = ProfileBuilder("b").lv("2.A.1.a", 2.0).build();
    CHECK(compute_gap(plain_from, plain_to, {}).source == gap::ValueSource::Onet);
  }
}

TEST_CASE("domains: skills by default, knowledge on request, stored domain wins", "[gap]") {
  gap::OccupationProfile to = ProfileBuilder("b").lv("2.A.1.a", 1.0).lv("2.C.1.a", 1.0).lv("1.A.1.a.1", 1.0).build();
  // An element whose stored domain contradicts its id prefix.
  gap::ElementRating odd;
  odd.element = gaptest::element("2.B.9.z", "Odd", "knowledge");
  odd.level = gap::ScaleValue{};
  odd.level->data_value = 1.0;
  odd.level->not_relevant = 'N';
  odd.level->value_source = "file";
  to.ratings.push_back(odd);
  to.finalize();
  auto from = ProfileBuilder("a").build();
  CHECK(ids(compute_gap(from, to, {})) == std::vector<std::string>{"2.A.1.a"});
  GapOptions k;
  k.domain = gap::Domain::Knowledge;
  CHECK(ids(compute_gap(from, to, k)) == std::vector<std::string>{"2.B.9.z", "2.C.1.a"});
}

TEST_CASE("the one-byte domain codes of finalize() give the answers of the element walk", "[gap]") {
  // Every domain, an element outside all of them, stored domains contradicting the id, elements
  // only one side has: compute_gap and has_level_ratings on finalized profiles (domain codes)
  // against copies whose codes are gone (the walk that reads each element).
  auto odd = [](gap::OccupationProfile& p, const std::string& id, const std::string& domain, double v) {
    gap::ElementRating r;
    r.element = gaptest::element(id, "Odd " + id, domain);
    r.level = gap::ScaleValue{};
    r.level->data_value = v;
    r.level->not_relevant = 'N';
    r.level->value_source = "file";
    p.ratings.push_back(r);
    p.finalize();
  };
  gap::OccupationProfile from = ProfileBuilder("a")
                                    .lv("1.A.1.a.1", 2.0)
                                    .lv("2.A.1.a", 1.0)
                                    .lv("2.A.1.b", 5.0)
                                    .lv("2.B.3.e", 2.5)
                                    .lv("2.C.1.a", 1.0)
                                    .lv("2.C.4.a", 3.0)
                                    .lv("2.D.1", 4.0)
                                    .im("2.A.1.a", 3.0)
                                    .build();
  gap::OccupationProfile to = ProfileBuilder("b")
                                  .lv("1.A.1.a.1", 4.0)
                                  .lv("1.A.1.b.2", 3.0)
                                  .lv("2.A.1.a", 4.0)
                                  .lv("2.A.1.b", 5.0)
                                  .lv("2.B.3.e", 4.5)
                                  .lv("2.B.3.k", 2.0, 'Y')
                                  .lv("2.C.1.a", 3.0)
                                  .lv("2.C.10", 2.0)
                                  .lv("2.D.1", 6.0)
                                  .im("2.A.1.a", 4.0)
                                  .im("2.C.1.a", 2.0)
                                  .build();
  odd(to, "2.B.9.z", "knowledge", 5.0);
  odd(to, "2.C.9.z", "other", 5.0);
  odd(from, "2.B.9.z", "knowledge", 1.0);
  REQUIRE(from.has_domain_codes());
  REQUIRE(to.has_domain_codes());
  auto uncoded = [](const gap::OccupationProfile& p) {
    gap::OccupationProfile q;
    q.code = p.code;
    q.title = p.title;
    q.ratings = p.ratings;  // same entries, no codes: finalize() never ran on q
    return q;
  };
  const auto from_raw = uncoded(from), to_raw = uncoded(to);
  REQUIRE_FALSE(to_raw.has_domain_codes());
  auto flat = [](const gap::GapResult& r) {
    std::vector<std::string> out{std::to_string(r.required)};
    for (const auto& g : r.gaps)
      out.push_back(g.element_id + " " + std::to_string(g.from_value) + " " + std::to_string(g.to_value) + " " +
                    std::to_string(g.importance.value_or(-1)) + (g.from_missing ? " missing" : "") +
                    (g.not_relevant ? " nr" : ""));
    return out;
  };
  std::size_t gaps_seen = 0;
  for (auto d : {gap::Domain::Skills, gap::Domain::Knowledge, gap::Domain::Abilities, gap::Domain::All}) {
    for (bool nr : {false, true}) {
      GapOptions o;
      o.domain = d;
      o.include_not_relevant = nr;
      const auto coded = flat(compute_gap(from, to, o));
      CHECK(coded == flat(compute_gap(from_raw, to_raw, o)));
      CHECK(coded == flat(compute_gap(from, to_raw, o)));
      CHECK(coded == flat(compute_gap(from_raw, to, o)));
      gaps_seen += coded.size() - 1;
      CHECK(flat(compute_gap(to, from, o)) == flat(compute_gap(to_raw, from_raw, o)));
    }
    CHECK(to.has_level_ratings(d) == to_raw.has_level_ratings(d));
    CHECK(from.has_level_ratings(d, gap::ValueSource::Onet) == from_raw.has_level_ratings(d, gap::ValueSource::Onet));
  }
  CHECK(gaps_seen >= 20);  // the cases above do compare gaps
  GapOptions k;
  k.domain = gap::Domain::Knowledge;
  CHECK(ids(compute_gap(from, to, k)) == std::vector<std::string>{"2.B.9.z", "2.C.1.a", "2.C.10"});
}

TEST_CASE("same occupation on both sides has no gaps", "[gap]") {
  auto p = ProfileBuilder("a").lv("2.A.1.a", 1.0).lv("2.A.1.b", 0, 'Y').im("2.A.1.a", 2).build();
  GapOptions o;
  o.include_not_relevant = true;
  CHECK(compute_gap(p, p, {}).gaps.empty());
  CHECK(compute_gap(p, p, o).gaps.empty());
}

TEST_CASE("a zero target level is never a gap", "[gap]") {
  auto from = ProfileBuilder("a").build();
  auto to = ProfileBuilder("b").lv("2.A.1.a", 0).build();
  GapOptions o;
  o.include_not_relevant = true;
  CHECK(compute_gap(from, to, o).gaps.empty());
  CHECK(compute_gap(from, to, o).required == 1);
}

TEST_CASE("element ids order like O*NET's", "[gap][model]") {
  using gap::element_id_less;
  CHECK(element_id_less("2.C.2", "2.C.10"));
  CHECK_FALSE(element_id_less("2.C.10", "2.C.2"));
  CHECK(element_id_less("2.A.1.a", "2.A.1.b"));
  CHECK(element_id_less("2.A.2.a", "2.B.1.a"));
  CHECK(element_id_less("2.B", "2.B.1"));
  CHECK_FALSE(element_id_less("2.B.1", "2.B.1"));
  CHECK(element_id_less("1.A.1.a.1", "2.A.1.a"));
}

TEST_CASE("hundredths rounds decimal halves up", "[gap][model]") {
  CHECK(gap::hundredths(4.5) == 450);
  CHECK(gap::hundredths(3.12) == 312);
  CHECK(gap::hundredths(4.125) == 413);
  CHECK(gap::hundredths(4.1249) == 412);
  CHECK(gap::hundredths(0) == 0);
  CHECK(gap::hundredths(7) == 700);
}

TEST_CASE("profile lookups and domain checks", "[gap][model]") {
  auto p = ProfileBuilder("a").lv("2.C.10", 1).lv("2.C.2", 1).im("2.A.1.a", 3).build();
  REQUIRE(p.find("2.C.10") != nullptr);
  REQUIRE(p.find("2.C.2") != nullptr);
  CHECK(p.find("2.C.3") == nullptr);
  CHECK(p.find("2.A.1.a")->importance->data_value == 3);
  CHECK(p.has_level_ratings(gap::Domain::Knowledge));
  CHECK_FALSE(p.has_level_ratings(gap::Domain::Skills));  // IM only
  CHECK_FALSE(p.has_llm_values());
}

TEST_CASE("occupation codes: full and 6-digit SOC forms", "[gap][model]") {
  using gap::normalize_occupation_code;
  CHECK(normalize_occupation_code("15-1252.00") == "15-1252.00");
  CHECK(normalize_occupation_code("15-1252.01") == "15-1252.01");
  CHECK(normalize_occupation_code("15-1252") == "15-1252.00");
  for (const char* bad : {"", "15-125", "151252", "15-1252.", "15-1252.0", "15-1252.000", "1a-1252.00", "15_1252.00",
                          "15-1252,00", " 15-1252", "15-1252 ", "15-1252.0a", "'; DROP TABLE"}) {
    INFO(bad);
    CHECK_FALSE(normalize_occupation_code(bad).has_value());
  }
}

TEST_CASE("estimates: auto reads a side O*NET does not rate from its text estimate, with its uncertainty", "[gap]") {
  auto rated = ProfileBuilder("a")
                   .lv("2.A.1.a", 2.0)
                   .se("2.A.1.a", 0.1)
                   .lv("2.A.1.b", 3.0)
                   .se("2.A.1.b", 0.1)
                   .lv_estimate("2.A.1.a", 2.2, 0.3)
                   .build();
  auto unrated = ProfileBuilder("b").lv_estimate("2.A.1.a", 4.0, 0.4).lv_estimate("2.A.1.b", 3.2, 0.4).build();
  auto r = compute_gap(rated, unrated, {});
  CHECK(r.from_source == gap::ValueSource::Onet);
  CHECK(r.to_source == gap::ValueSource::Estimate);
  CHECK(r.to_estimated);
  CHECK_FALSE(r.from_estimated);
  REQUIRE(ids(r) == std::vector<std::string>{"2.A.1.a", "2.A.1.b"});
  const auto& a = r.gaps[0];
  CHECK(a.gap == 2.0);
  CHECK(a.from_source == gap::ValueSource::Onet);
  CHECK(a.to_source == gap::ValueSource::Estimate);
  CHECK(a.from_sd == 0.1);
  CHECK(a.to_sd == 0.4);
  REQUIRE(a.to_lower);
  CHECK(*a.to_lower == 3.49);  // 4.0 - 1.2816 * 0.4 at 2 decimals
  CHECK_FALSE(a.from_lower);   // O*NET's value: no estimate interval
  // 2.0 > 1.96 * sqrt(0.1^2 + 0.4^2) = 0.81: significant; 0.2 is not.
  CHECK(a.significant == true);
  CHECK(r.gaps[1].gap == Approx(0.2));
  CHECK(r.gaps[1].significant == false);
  GapOptions sig;
  sig.significant_only = true;
  CHECK(ids(compute_gap(rated, unrated, sig)) == std::vector<std::string>{"2.A.1.a"});
  // An explicit source applies to both sides: the rated side's own leave-one-out estimate.
  GapOptions est;
  est.source = gap::ValueSource::Estimate;
  auto e = compute_gap(rated, unrated, est);
  CHECK(e.from_source == gap::ValueSource::Estimate);
  REQUIRE(ids(e) == std::vector<std::string>{"2.A.1.b", "2.A.1.a"});  // 3.2 (from 0), then 1.8
  CHECK(e.gaps[0].from_missing);                                      // the rated side has no estimate for 2.A.1.b
  CHECK_FALSE(e.gaps[0].significant.has_value());                     // no uncertainty for a missing value
  CHECK(e.gaps[1].from_value == 2.2);
}

TEST_CASE("estimates: significance is unknown when an uncertainty is missing", "[gap]") {
  auto from = ProfileBuilder("a").lv("2.A.1.a", 1.0).build();  // no Standard Error (n/a)
  auto to = ProfileBuilder("b").lv("2.A.1.a", 5.0).se("2.A.1.a", 0.2).build();
  auto r = compute_gap(from, to, {});
  REQUIRE(r.gaps.size() == 1);
  CHECK_FALSE(r.gaps[0].from_sd);
  CHECK(r.gaps[0].to_sd == 0.2);
  CHECK_FALSE(r.gaps[0].significant.has_value());
  GapOptions sig;
  sig.significant_only = true;
  CHECK(compute_gap(from, to, sig).gaps.empty());
}

TEST_CASE("hundredths rounds as llround on the nudged value, halves away from zero", "[gap]") {
  // hundredths() rounds inline instead of calling llround: the two must agree everywhere,
  // including exact halves of the nudged value, negative values and magnitudes near the limit.
  auto reference = [](double v) {
    const double scaled = v * 100.0;
    return static_cast<std::int64_t>(std::llround(scaled + (scaled >= 0 ? 1e-7 : -1e-7)));
  };
  std::vector<double> values = {
      0.0,  -0.0,  0.005,  -0.005,  4.125,  -4.125, 0.004999999, 2.675, 1e-9, -1e-9, 0.5e-2 - 1e-7 / 100,
      1e15, -1e15, 4.5e16, -4.5e16, 4.7e16, 1e300,  -1e300};
  // Values whose nudged, scaled form is an exact half (n + 0.5), and their neighbours.
  for (double n : {0.0, 1.0, 2.0, 41.0, 250.0, 699.0, -1.0, -3.0, -700.0}) {
    const double half = n + (n < 0 ? -0.5 : 0.5);
    const double v = (half - (half >= 0 ? 1e-7 : -1e-7)) / 100.0;
    values.insert(values.end(), {v, std::nextafter(v, 10.0), std::nextafter(v, -10.0)});
  }
  for (int k = -200000; k <= 200000; ++k) values.push_back(k / 1000.0);
  std::uint64_t state = 88172645463325252ULL;  // xorshift: the same values every run
  for (int i = 0; i < 200000; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    values.push_back((static_cast<double>(state >> 11) / 9007199254740992.0 - 0.5) * 20.0);
  }
  std::size_t differ = 0;
  for (double v : values) differ += gap::hundredths(v) == reference(v) ? 0 : 1;
  CHECK(differ == 0);
  CHECK(gap::hundredths(4.125) == 413);
  CHECK(gap::hundredths(-4.125) == -413);
  CHECK(gap::hundredths(2.675) == 268);
}

TEST_CASE("gap cells hold what the rows say, rounded as an answer gives it", "[gap][model]") {
  // Every combination of present and missing values under each source: the cell must agree with
  // ScaleValue::get / estimated / uncertainty and importance_of, which compute_gap read before
  // the cells existed (issue 10 §8).
  using gap::GapCell;
  using gap::ValueSource;
  const ValueSource all[] = {ValueSource::Onet, ValueSource::Estimate, ValueSource::Llm, ValueSource::Refined};
  auto opt = [](int mask, int bit, double v) { return (mask >> bit) & 1 ? std::optional<double>(v) : std::nullopt; };
  std::size_t checked = 0;
  for (int mask = 0; mask < 64; ++mask) {
    gap::ElementRating r;
    r.element = gaptest::element("2.A.1.a");
    gap::ScaleValue lv;
    lv.data_value = opt(mask, 0, 4.125);  // a decimal half stored below it in binary
    lv.estimate = opt(mask, 1, 3.33333);
    lv.llm_value = opt(mask, 2, 2.005);
    lv.refined_value = opt(mask, 3, 5.994999);
    lv.standard_error = opt(mask, 4, 0.123456);
    lv.estimate_sd = opt(mask, 1, 0.41235);
    lv.estimate_lower = opt(mask, 1, 2.875);
    lv.estimate_upper = opt(mask, 1, 3.7912);
    lv.not_relevant = (mask & 32) ? 'Y' : 'N';
    r.level = lv;
    gap::ScaleValue im;
    im.data_value = opt(mask, 5, 3.5);
    im.estimate = opt(mask, 1, 2.25);
    im.llm_value = opt(mask, 2, 4.015);
    im.refined_value = opt(mask, 3, 1.995);
    r.importance = im;
    for (ValueSource s : all) {
      INFO("mask " << mask << " source " << gap::to_string(s));
      const GapCell c = gap::make_gap_cell(r, s);
      CHECK(c.element == r.element.get());
      CHECK(c.not_relevant == (lv.not_relevant == 'Y'));
      CHECK(c.llm_level == (lv.llm_value || lv.refined_value));
      const auto v = lv.get(s);
      CHECK(c.has_level() == v.has_value());
      if (v) CHECK(c.level_h == gap::hundredths(*v));
      CHECK(c.estimated == lv.estimated(s));
      const auto sd = lv.uncertainty(s);
      CHECK((c.sd_e4 != GapCell::kNone) == sd.has_value());
      if (sd) CHECK(static_cast<double>(c.sd_e4) / 10000.0 == std::round(*sd * 10000.0) / 10000.0);
      const auto iv = gap::importance_of(r, s);
      CHECK((c.importance_h != GapCell::kNone) == iv.has_value());
      if (iv) CHECK(c.importance_h == gap::hundredths(*iv));
      CHECK((c.lower_h != GapCell::kNone) == lv.estimate_lower.has_value());
      if (lv.estimate_lower) CHECK(c.lower_h == 288);
      if (lv.estimate_upper) CHECK(c.upper_h == 379);
      ++checked;
    }
  }
  CHECK(checked == 256);
  // An entry without an LV row has no level under any source; without an IM row, no importance.
  gap::ElementRating bare;
  bare.element = gaptest::element("2.A.1.b");
  for (ValueSource s : all) {
    const GapCell c = gap::make_gap_cell(bare, s);
    CHECK_FALSE(c.has_level());
    CHECK(c.importance_h == GapCell::kNone);
  }
}

TEST_CASE("a profile's level masks and gap cells follow finalize(), and a profile never finalized gets the same answers",
          "[gap][model]") {
  auto p = ProfileBuilder("a").lv("2.A.1.a", 2.0).lv_estimate("2.C.1.a", 3.0, 0.2).im("1.A.1.a.1", 3.0).build();
  using gap::Domain;
  using gap::ValueSource;
  CHECK(p.has_level_ratings(Domain::Skills, ValueSource::Onet));
  CHECK_FALSE(p.has_level_ratings(Domain::Skills, ValueSource::Estimate));
  CHECK(p.has_level_ratings(Domain::Knowledge, ValueSource::Estimate));
  CHECK_FALSE(p.has_level_ratings(Domain::Knowledge, ValueSource::Onet));
  CHECK_FALSE(p.has_level_ratings(Domain::Abilities));  // IM only
  CHECK(p.has_level_ratings(Domain::All, ValueSource::Estimate));
  CHECK(gap::side_source(p, Domain::Knowledge, std::nullopt) == ValueSource::Estimate);
  CHECK(gap::side_source(p, Domain::Skills, std::nullopt) == ValueSource::Onet);
  // The same entries without finalize(): cells and masks are made on the spot, with equal answers.
  gap::OccupationProfile raw;
  raw.code = p.code;
  raw.ratings = p.ratings;
  for (Domain d : {Domain::Skills, Domain::Knowledge, Domain::Abilities, Domain::All}) {
    CHECK(raw.level_mask(d) == p.level_mask(d));
    CHECK(gap::side_source(raw, d, std::nullopt) == gap::side_source(p, d, std::nullopt));
  }
  // A value set after finalize() is seen once finalize() runs again (profile_repository does so).
  auto skill =
      std::find_if(p.ratings.begin(), p.ratings.end(), [](const gap::ElementRating& r) { return r.element->id == "2.A.1.a"; });
  REQUIRE(skill != p.ratings.end());
  REQUIRE(skill->level);
  CHECK((p.level_mask(Domain::Skills) & gap::OccupationProfile::kLlmLevel) == 0);
  skill->level->llm_value = 2.5;
  p.finalize();
  CHECK(p.level_mask(Domain::Abilities) == 0);
  CHECK((p.level_mask(Domain::Skills) & gap::OccupationProfile::kLlmLevel) != 0);
  CHECK(gap::side_source(p, Domain::Skills, std::nullopt) == ValueSource::Onet);  // O*NET still rates it
}

TEST_CASE("occupation codes pack into ordered numbers; a code map finds either shape", "[gap][model]") {
  using gap::pack_occupation_code;
  CHECK(pack_occupation_code("15-1252.00") == 15125200U);
  CHECK(pack_occupation_code("11-1011.03") == 11101103U);
  CHECK(pack_occupation_code("00-0000.00") == 0U);
  CHECK(pack_occupation_code("99-9999.99") == 99999999U);
  CHECK(*pack_occupation_code("15-1252.00") < *pack_occupation_code("15-1252.01"));
  CHECK(*pack_occupation_code("15-1299.08") < *pack_occupation_code("17-1011.00"));
  for (const char* bad : {"", "15-1252", "15-1252.0", "15-1252.000", "1a-1252.00", "15_1252.00", "15-1252,00", " 15-1252.0",
                          "15-1252.0a", "151252.000"}) {
    INFO(bad);
    CHECK_FALSE(pack_occupation_code(bad).has_value());
  }
  gap::CodeMap<int> m({{"15-1252.00", 1}, {"a", 2}, {"11-1011.00", 3}, {"15-1252.00", 4}, {"b", 5}, {"a", 6}, {"15-1252", 7}});
  CHECK(m.size() == 5);  // two duplicates folded, the last one given kept
  REQUIRE(m.find("15-1252.00"));
  CHECK(*m.find("15-1252.00") == 4);
  CHECK(*m.find("11-1011.00") == 3);
  CHECK(*m.find("a") == 6);
  CHECK(*m.find("b") == 5);
  CHECK(*m.find("15-1252") == 7);  // not of the packed shape: found among the others
  CHECK(m.find("15-1252.01") == nullptr);
  CHECK(m.find("c") == nullptr);
  CHECK(m.find("") == nullptr);
  std::vector<std::string> order;
  m.for_each([&](const std::string& code, int) { order.push_back(code); });
  CHECK(order == std::vector<std::string>{"11-1011.00", "15-1252.00", "15-1252", "a", "b"});
  CHECK(gap::CodeMap<int>().find("15-1252.00") == nullptr);
}
