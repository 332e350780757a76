#include <catch2/catch.hpp>

#include <cmath>

#include "nodes/estimate/estimator.hpp"
#include "nodes/estimate/text_index.hpp"
#include "nodes/estimate/tokenizer.hpp"
#include "nodes/estimate/validation.hpp"

using namespace estimate;
using Catch::Detail::Approx;

namespace {

std::vector<Document> docs(std::initializer_list<std::pair<const char*, const char*>> items) {
  std::vector<Document> out;
  for (const auto& [code, text] : items) out.push_back({code, {{text, 1.0}}});
  return out;
}

// One column (2.B.3.e LV, scale 0..7) with the given value per document (NaN = unrated).
RatingMatrix one_column(std::vector<double> v) {
  RatingMatrix m;
  m.columns.push_back({"2.B.3.e", "LV", "skills", 0, 7});
  m.values = std::move(v);
  return m;
}

}  // namespace

TEST_CASE("tokenizer: lower-cases, splits on punctuation, drops stop words and numbers, stems", "[estimate]") {
  Tokenizer t;
  CHECK(t.terms("Registered Nurses (RN)") == std::vector<std::string>{"regist", "nurs", "rn"});
  CHECK(t.terms("nursing") == std::vector<std::string>{"nurs"});
  CHECK(t.terms("developer developers Developing") == std::vector<std::string>{"develop", "develop", "develop"});
  CHECK(t.terms("C++ and the 3 R's of 2024") == std::vector<std::string>{});  // c, r, s: one letter
  CHECK(t.terms("Web-based data-analysis") == std::vector<std::string>{"web", "base", "data", "analysi"});
  CHECK(t.terms("").empty());
  CHECK(Tokenizer::is_stopword("the"));
  CHECK_FALSE(Tokenizer::is_stopword("nurse"));
}

TEST_CASE("tokenizer: a remembered stem is the stemmer's, whatever came before it", "[estimate]") {
  // terms() keeps each word's stem: a word seen again (in the same text or a later one), and
  // words stemmed in another order, give what a fresh stemmer gives.
  Tokenizer memo;
  const std::vector<std::string> texts = {"nursing nurses nurse", "Developers develop development", "nurses developing",
                                          "analysis analyses analyst", "development nursing"};
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& text : texts) {
      Tokenizer fresh;
      std::vector<std::string> direct;
      std::string word;
      for (char c : text + " ") {
        if (c == ' ') {
          std::string lower;
          for (char w : word) lower.push_back(static_cast<char>(w >= 'A' && w <= 'Z' ? w - 'A' + 'a' : w));
          direct.push_back(fresh.stem(lower));
          word.clear();
        } else {
          word.push_back(c);
        }
      }
      CHECK(memo.terms(text) == direct);
    }
  }
}

TEST_CASE("text index: cosine of TF-IDF vectors, symmetric, 1 for the same text, 0 for nothing shared", "[estimate]") {
  Tokenizer t;
  auto d = docs({{"11-0000.00", "software developers write programs"},
                 {"11-0001.00", "software developers write programs"},
                 {"11-0002.00", "nurses care for patients"},
                 {"11-0003.00", "software testers test programs"}});
  TextIndex idx(d, t);
  CHECK(idx.size() == 4);
  CHECK(idx.similarity(0, 1) == Approx(1.0));
  CHECK(idx.similarity(0, 2) == 0.0f);
  CHECK(idx.similarity(0, 3) == Approx(idx.similarity(3, 0)));
  CHECK(idx.similarity(0, 3) > 0.0f);
  CHECK(idx.similarity(0, 3) < 1.0f);
  CHECK(idx.similarity(2, 2) == Approx(1.0));
}

TEST_CASE("text index: field weights act as term frequencies", "[estimate]") {
  Tokenizer t;
  std::vector<Document> d = {
      {"a", {{"pilot", 1}, {"flight", 1}}}, {"b", {{"pilot", 5}, {"flight", 1}}}, {"c", {{"pilot", 1}}}, {"d", {{"cook", 1}}}};
  TextIndex idx(d, t);
  // b leans towards "pilot", so it is closer to c (pilot only) than a is.
  CHECK(idx.similarity(1, 2) > idx.similarity(0, 2));
  std::vector<Document> zero = {{"a", {{"pilot", 0}}}, {"b", {{"pilot", 1}}}};
  TextIndex z(zero, t);
  CHECK(z.document_terms(0) == 0);  // weight 0 leaves the field out
}

TEST_CASE("neighbours: the k most similar rated documents, never the document itself, ties by code", "[estimate]") {
  Tokenizer t;
  auto d = docs({{"11-0000.00", "alpha beta gamma"},
                 {"11-0001.00", "alpha beta gamma"},  // identical to 0
                 {"11-0002.00", "alpha beta delta"},
                 {"11-0003.00", "alpha beta delta"},  // same as 2: a tie
                 {"11-0004.00", "zeta eta theta"}});
  TextIndex idx(d, t);
  auto m = one_column({1, 2, 3, 4, std::nan("")});
  EstimateOptions o;
  o.k = 3;
  o.job_zone_adjust = false;
  Estimator e(idx, m, {}, o);
  auto nb = e.neighbours(0);
  REQUIRE(nb.size() == 3);
  CHECK(nb[0].doc == 1);
  CHECK(nb[1].doc == 2);  // tie with 3, broken by code
  CHECK(nb[2].doc == 3);
  for (std::size_t doc = 0; doc < 5; ++doc)
    for (const auto& n : e.neighbours(doc)) {
      CHECK(n.doc != doc);
      CHECK(n.doc != 4);  // unrated: never a neighbour
    }
  CHECK_FALSE(e.rated(4));
  CHECK(e.rated(0));
}

TEST_CASE("estimate: similarity-weighted mean, spread as sd, interval around it, clipped to the scale", "[estimate]") {
  Tokenizer t;
  auto d = docs({{"a", "alpha beta gamma"},
                 {"b", "alpha beta gamma"},
                 {"c", "alpha beta delta"},
                 {"x", "alpha beta gamma"},
                 {"z", "omega psi"}});
  TextIndex idx(d, t);
  auto m = one_column({2, 4, 6.9, std::nan(""), std::nan("")});
  EstimateOptions o;
  o.k = 2;
  o.power = 1;
  o.sd_floor = 0;
  o.job_zone_adjust = false;
  Estimator e(idx, m, {}, o);
  auto x = e.estimate(3);  // unrated: neighbours a and b (similarity 1 each)
  REQUIRE(x.neighbours.size() == 2);
  CHECK(x.neighbours[0].doc == 0);
  CHECK(x.neighbours[1].doc == 1);
  REQUIRE(x.values[0].valid());
  CHECK(x.values[0].value == Approx(3.0));
  CHECK(x.values[0].sd == Approx(1.0));  // sqrt(((2-3)^2 + (4-3)^2) / 2)
  CHECK(x.values[0].lower == Approx(3.0 - kZ80));
  CHECK(x.values[0].upper == Approx(3.0 + kZ80));

  // Weighted by similarity^power: c is less similar, so it moves the mean less than a or b would.
  o.k = 3;
  Estimator e3(idx, m, {}, o);
  auto y = e3.estimate(3);
  const double sc = idx.similarity(3, 2);
  REQUIRE(sc > 0.01);
  CHECK(y.values[0].value == Approx((2 + 4 + sc * 6.9) / (2 + sc)));
  CHECK(y.values[0].upper <= 7.0);
}

TEST_CASE("estimate: a rated occupation's estimate uses nothing of its own values (leave-one-out)", "[estimate]") {
  Tokenizer t;
  auto d = docs({{"a", "alpha beta"}, {"b", "alpha beta"}, {"c", "alpha gamma"}, {"e", "beta gamma"}});
  TextIndex idx(d, t);
  EstimateOptions o;
  o.k = 2;
  o.shrink = 1;  // the column-mean prior must also leave the target out
  std::vector<int> zones = {2, 3, 4, 3};
  auto m1 = one_column({1, 3, 5, 2});
  auto m2 = one_column({6.5, 3, 5, 2});  // only a's own value differs
  Estimator e1(idx, m1, zones, o), e2(idx, m2, zones, o);
  auto a1 = e1.estimate(0), a2 = e2.estimate(0);
  REQUIRE(a1.values[0].valid());
  CHECK(a1.values[0].value == Approx(a2.values[0].value));
  CHECK(a1.values[0].sd == Approx(a2.values[0].sd));
  for (const auto& n : a1.neighbours) CHECK(n.doc != 0);
}

TEST_CASE("estimate: the job-zone slope moves an estimate towards its own zone", "[estimate]") {
  Tokenizer t;
  // Values rise with the job zone; every document shares the same words, so the neighbours'
  // mean is flat and only the zone adjustment can tell a zone-5 occupation from a zone-1 one.
  std::vector<Document> d;
  std::vector<double> v;
  std::vector<int> z;
  for (int i = 0; i < 20; ++i) {
    d.push_back({"11-00" + std::to_string(10 + i) + ".00", {{"common words here", 1}}});
    z.push_back(1 + i % 5);
    v.push_back(1.0 + z.back());
  }
  d.push_back({"99-0000.00", {{"common words here", 1}}});
  z.push_back(5);
  v.push_back(std::nan(""));
  TextIndex idx(d, t);
  auto m = one_column(v);
  EstimateOptions o;
  o.k = 20;
  o.job_zone_adjust = true;
  Estimator with(idx, m, z, o);
  o.job_zone_adjust = false;
  Estimator without(idx, m, z, o);
  CHECK(without.estimate(20).values[0].value == Approx(4.0));  // the plain mean
  CHECK(with.estimate(20).values[0].value == Approx(6.0).margin(1e-9));
}

TEST_CASE("validation and calibration: MAE, bias, r, coverage; calibrated intervals cover the target share", "[estimate]") {
  RatingMatrix m;
  m.columns.push_back({"2.B.3.e", "LV", "skills", 0, 7});
  std::vector<OccupationEstimate> est;
  for (int i = 0; i < 100; ++i) {
    m.values.push_back(3.0 + (i % 10) * 0.1);  // O*NET
    OccupationEstimate e;
    e.doc = static_cast<std::size_t>(i);
    Estimate x;
    x.value = 3.0 + (i % 10) * 0.1 + ((i % 2) ? 0.2 : -0.1);  // errors +0.2 / -0.1
    x.sd = 0.1;
    x.lower = x.value - 0.01;
    x.upper = x.value + 0.01;
    e.values.push_back(x);
    est.push_back(e);
  }
  auto v = validate(m, est);
  REQUIRE(v.size() == 1);
  CHECK(v[0].n == 100);
  CHECK(v[0].mae == Approx(0.15));
  CHECK(v[0].bias == Approx(0.05));
  CHECK(v[0].coverage == 0.0);
  CHECK(v[0].correlation > 0.9);
  std::vector<int> folds(100);
  for (int i = 0; i < 100; ++i) folds[i] = i % 5;
  auto f = calibrate_intervals(m, est, 0.8, folds, 5);
  REQUIRE(f.count("skills/LV"));
  auto after = validate(m, est);
  CHECK(after[0].coverage >= 0.8);
  CHECK(after[0].mae == Approx(0.15));  // calibration changes intervals, never the estimates
  CHECK_THROWS_AS(calibrate_intervals(m, est, 1.5, folds, 5), std::invalid_argument);
}
