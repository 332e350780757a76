// Calibration (linear fit, k-fold held-out metrics) and the precision-weighted blend.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "nodes/llm/calibration.hpp"

namespace {

// O*NET-like values for `occupations` x `elements`, and model answers raw = a*onet + b + noise.
std::vector<llm::Pair> synthetic(int occupations, int elements, double a, double b, double noise, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> level(0.5, 6.0);
  std::normal_distribution<double> eps(0.0, noise > 0 ? noise : 1.0);
  std::vector<llm::Pair> out;
  for (int o = 0; o < occupations; ++o) {
    for (int e = 0; e < elements; ++e) {
      double onet = level(rng);
      out.push_back({"11-" + std::to_string(1000 + o) + ".00", a * onet + b + (noise > 0 ? eps(rng) : 0.0), onet});
    }
  }
  return out;
}

}  // namespace

TEST_CASE("without noise the fit is the exact inverse of the injected bias and scale", "[llm][calibration]") {
  auto pairs = synthetic(40, 10, 0.8, 1.7, 0, 1);
  auto c = llm::calibrate(pairs, 5, 30);
  REQUIRE(c.fitted);
  CHECK(c.map.slope == Approx(1 / 0.8).epsilon(1e-9));
  CHECK(c.map.intercept == Approx(-1.7 / 0.8).epsilon(1e-9));
  CHECK(c.folds == 5);
  CHECK(c.occupations == 40);
  CHECK(c.pairs == 400);
  CHECK(c.calibrated.mae == Approx(0).margin(1e-9));
  CHECK(c.residual_sd == Approx(0).margin(1e-9));
  CHECK(c.raw.bias > 0.5);  // raw answers were biased upwards
  CHECK(c.raw.r == Approx(1.0).epsilon(1e-9));
}

TEST_CASE("with noise the held-out metrics are honest and the bias is removed", "[llm][calibration]") {
  auto pairs = synthetic(200, 35, 0.8, 1.7, 0.3, 7);
  auto c = llm::calibrate(pairs, 5, 30);
  REQUIRE(c.fitted);
  // OLS of onet on raw: slope = a var(o) / (a^2 var(o) + s^2); var(o) = 5.5^2/12.
  const double var_o = 5.5 * 5.5 / 12, a = 0.8, s2 = 0.09;
  CHECK(c.map.slope == Approx(a * var_o / (a * a * var_o + s2)).epsilon(0.02));
  CHECK(c.raw.bias == Approx(0.8 * 3.25 + 1.7 - 3.25).margin(0.05));
  CHECK(std::fabs(c.calibrated.bias) < 0.02);
  CHECK(c.calibrated.mae < c.raw.mae / 3);
  // Held out: a little worse than the in-sample residual, never better than the noise allows.
  CHECK(c.residual_sd == Approx(0.3 / 0.8).epsilon(0.1));
  CHECK(c.calibrated.r > 0.95);
}

TEST_CASE("folds are by occupation and independent of the input order", "[llm][calibration]") {
  auto pairs = synthetic(30, 5, 0.9, 0.5, 0.2, 3);
  auto a = llm::calibrate(pairs, 5, 30);
  std::reverse(pairs.begin(), pairs.end());
  auto b = llm::calibrate(pairs, 5, 30);
  CHECK(a.calibrated.mae == Approx(b.calibrated.mae).epsilon(1e-12));
  CHECK(a.map.slope == Approx(b.map.slope).epsilon(1e-12));
  // Fewer occupations than folds: leave-one-occupation-out.
  auto few = llm::calibrate(synthetic(3, 20, 1, 0, 0.1, 4), 5, 30);
  CHECK(few.folds == 3);
}

TEST_CASE("too little data or no variation leaves the levels uncalibrated", "[llm][calibration]") {
  auto small = llm::calibrate(synthetic(2, 5, 1, 1, 0, 2), 5, 30);
  CHECK_FALSE(small.fitted);
  CHECK(small.map.slope == 1);
  CHECK(small.map.intercept == 0);
  CHECK(small.note.find("too few") != std::string::npos);

  std::vector<llm::Pair> flat;
  for (int i = 0; i < 50; ++i) flat.push_back({"11-10" + std::to_string(10 + i % 5) + ".00", 4.0, 1.0 + i % 3});
  auto c = llm::calibrate(flat, 5, 30);
  CHECK_FALSE(c.fitted);
  CHECK(c.note.find("do not vary") != std::string::npos);
}

TEST_CASE("metrics: MAE, bias and Pearson r", "[llm][calibration]") {
  auto m = llm::compare({1, 2, 3, 4}, {2, 2, 2, 2});
  CHECK(m.mae == Approx(1.0));
  CHECK(m.bias == Approx(0.5));
  CHECK(m.r == 0);  // truth does not vary
  auto n = llm::compare({1, 2, 3}, {3, 2, 1});
  CHECK(n.r == Approx(-1));
}

TEST_CASE("the blend weights by precision and stays inside the scale", "[llm][calibration]") {
  llm::BlendOptions o;
  o.se_floor = 0.1;
  o.default_se = 0.3;
  // Equal errors: the midpoint.
  CHECK(llm::blend(4.0, 0.5, 5.0, 0.5, o) == Approx(4.5));
  // O*NET twice as precise: weight 4:1.
  CHECK(llm::blend(4.0, 0.25, 5.0, 0.5, o) == Approx((16 * 4.0 + 4 * 5.0) / 20));
  // SE 0 counts as the floor, n/a as the default.
  CHECK(llm::blend(4.0, 0.0, 5.0, 0.1, o) == Approx(4.5));
  CHECK(llm::blend(4.0, std::nullopt, 5.0, 0.3, o) == Approx(4.5));
  // Clamped.
  CHECK(llm::blend(6.9, 0.5, 9.0, 0.1, o) == 7.0);
  CHECK(llm::blend(0.1, 0.5, -3.0, 0.1, o) == 0.0);
}
