// The conditional-median calibration (nodes/estimate/median_calibration.hpp) on hand-made data:
// bin edges and shrunk shifts by hand, a skewed column where the shift lowers the absolute error,
// cross-fitting (a rated occupation's own value never moves its own estimate), clipping to the
// scale, and bad inputs.
#include <catch2/catch.hpp>

#include <cmath>

#include "nodes/estimate/median_calibration.hpp"

using namespace estimate;
using Catch::Detail::Approx;

TEST_CASE("median shift: equal-count bins, the median error per bin shrunk by n / (n + shrink), linear between bins",
          "[estimate]") {
  // Estimates 0..9; errors (value - estimate) +1 on the lower half, -2 / -1 / -1 / -1 / +3 on the upper.
  const std::vector<double> x = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<double> err = {1, 1, 1, 1, 1, -2, -1, -1, -1, 3};
  std::vector<double> y;
  for (std::size_t i = 0; i < x.size(); ++i) y.push_back(x[i] + err[i]);
  const MedianShift exact(x, y, {2, 0});
  REQUIRE(exact.edges().size() == 1);
  CHECK(exact.edges()[0] == Approx(4.5));  // halfway between the 5th and 6th estimates
  REQUIRE(exact.shifts().size() == 2);
  CHECK(exact.centres() == std::vector<double>{2, 7});  // each bin's median estimate
  CHECK(exact.shifts()[0] == Approx(1));
  CHECK(exact.shifts()[1] == Approx(-1));  // the median, not the mean (-0.4)
  CHECK(exact.apply(2.0) == Approx(3.0));  // on a knot: its shift
  CHECK(exact.apply(7.0) == Approx(6.0));
  CHECK(exact.apply(4.5) == Approx(4.5));   // halfway between the knots: halfway between +1 and -1
  CHECK(exact.apply(3.0) == Approx(3.6));   // a fifth of the way: +1 - 0.4
  CHECK(exact.apply(-100) == Approx(-99));  // beyond the outer knots: their shifts
  CHECK(exact.apply(100) == Approx(99));
  // Continuous: no jump at the bin edge.
  CHECK(exact.apply(4.5 + 1e-9) - exact.apply(4.5 - 1e-9) == Approx(2e-9 * 0.6).margin(1e-12));

  const MedianShift shrunk(x, y, {2, 5});  // 5 occupations per bin, shrink 5: half the median
  CHECK(shrunk.shifts()[0] == Approx(0.5));
  CHECK(shrunk.shifts()[1] == Approx(-0.5));

  const MedianShift even(std::vector<double>{0, 1, 2, 3}, std::vector<double>{1, 3, 2, 5}, {1, 0});
  CHECK(even.edges().empty());
  CHECK(even.shifts()[0] == Approx(1.5));  // errors 1, 2, 0, 2: an even count takes the middle two's mean
  CHECK(even.apply(10) == Approx(11.5));   // one bin: the same shift everywhere

  // Equal estimates: the edges between them coincide, the bins between them stay empty and get
  // no knot.
  const MedianShift ties(std::vector<double>{0, 0, 0, 0, 0, 0, 1, 2}, std::vector<double>{0, 0, 0, 0, 0, 0, 2, 4}, {4, 0});
  CHECK(ties.centres() == std::vector<double>{0, 1.5});
  CHECK(ties.apply(0) == Approx(0));
  CHECK(ties.apply(1.5) == Approx(3));
  const MedianShift off(x, y, {0, 0});  // bins 0: no calibration
  CHECK(off.apply(2.0) == 2.0);
  CHECK_THROWS_AS(MedianShift(x, std::vector<double>{1, 2}, {2, 0}), std::invalid_argument);
  CHECK_THROWS_AS(MedianShift(x, y, {2, -1}), std::invalid_argument);
}

namespace {

// One column (LV, 0..7) over `n` rated documents (fold = document % 5) and one unrated one at 3.5.
struct Column1 {
  RatingMatrix ratings;
  std::vector<OccupationEstimate> estimates;
  std::vector<int> folds;
};

// `error(d)`: O*NET's value minus the estimate for rated document d (clipped to the scale).
template <class Error>
Column1 column(std::size_t n, Error error) {
  Column1 s;
  s.ratings.columns = {{"2.C.1.a", "LV", "knowledge", 0, 7}};
  for (std::size_t d = 0; d <= n; ++d) {
    OccupationEstimate e;
    e.doc = d;
    const double x = d == n ? 3.5 : 0.5 + 6.0 * static_cast<double>((d * 37) % n) / static_cast<double>(n);
    e.values.push_back({x, 0.5, x - 0.6, x + 0.6});
    s.estimates.push_back(e);
    s.ratings.values.push_back(d == n ? std::nan("") : std::clamp(x + error(d), 0.0, 7.0));
    s.folds.push_back(d == n ? -1 : static_cast<int>(d % 5));
  }
  return s;
}

// Skewed errors: mostly 0.6 below the estimate, a fifth of them (in every fold) 1.5 above; mean
// -0.18, median -0.6 (the kind of column the calibration is for).
Column1 skewed(std::size_t n) {
  return column(n, [](std::size_t d) { return (d / 5) % 5 == 0 ? 1.5 : -0.6; });
}

// Spread errors, every one different, so that any change of the values moves some bin's median.
Column1 spread(std::size_t n) {
  return column(n, [](std::size_t d) { return 2.0 * static_cast<double>((d * 53) % 97) / 97.0 - 1.3; });
}

double mae(const Column1& s) {
  double sum = 0;
  std::size_t n = 0;
  for (const auto& e : s.estimates) {
    const double y = s.ratings.at(e.doc, 0);
    if (std::isnan(y)) continue;
    sum += std::abs(e.values[0].value - y);
    ++n;
  }
  return sum / static_cast<double>(n);
}

}  // namespace

TEST_CASE("median calibration: cross-fitted shifts lower the absolute error of skewed estimates", "[estimate]") {
  auto s = skewed(200);
  const double before = mae(s);
  calibrate_medians(s.ratings, s.estimates, s.folds, 5, {4, 0});
  const double after = mae(s);
  INFO("MAE before " << before << ", after " << after);
  CHECK(before > 0.7);          // 0.8 * 0.6 + 0.2 * 1.5 = 0.78, less where the scale clips
  CHECK(after < 0.6 * before);  // the 0.6 offset of most values is gone (ideal: 0.2 * 2.1 = 0.42)
  // The unrated document moves by the shift fitted on every rated one: the median error, -0.6.
  CHECK(s.estimates.back().values[0].value == Approx(3.5 - 0.6).margin(1e-9));
  // Only the value changes; sd and interval are calibrated afterwards by calibrate_intervals.
  CHECK(s.estimates.back().values[0].sd == 0.5);
}

TEST_CASE("median calibration: a rated occupation's own value never moves its own estimate", "[estimate]") {
  auto a = spread(100), b = spread(100);
  for (std::size_t d = 2; d < 100; d += 5) b.ratings.values[d] = 7.0;  // fold 2's values, far above
  calibrate_medians(a.ratings, a.estimates, a.folds, 5, {3, 0});
  calibrate_medians(b.ratings, b.estimates, b.folds, 5, {3, 0});
  bool others_moved = false;
  for (std::size_t d = 0; d < 100; ++d) {
    if (a.folds[d] == 2) {
      CHECK(a.estimates[d].values[0].value == b.estimates[d].values[0].value);  // fitted without fold 2
    } else if (a.estimates[d].values[0].value != b.estimates[d].values[0].value) {
      others_moved = true;  // ... while the other folds' shifts see fold 2's values
    }
  }
  CHECK(others_moved);
  CHECK(a.estimates.back().values[0].value < b.estimates.back().values[0].value);  // the unrated one: fitted on all
}

TEST_CASE("median calibration: estimates stay on the scale; bins 0 leaves them; bad folds refused", "[estimate]") {
  auto s = skewed(50);
  for (auto& e : s.estimates) e.values[0].value = 0.3;  // every estimate near the bottom, every value 0.3 lower
  for (std::size_t d = 0; d < 50; ++d) s.ratings.values[d] = 0;
  // The shift is -0.3 in every bin (no shrink): exactly to the bottom of the scale.
  calibrate_medians(s.ratings, s.estimates, s.folds, 5, {2, 0});
  for (const auto& e : s.estimates) CHECK(e.values[0].value == Approx(0.0).margin(1e-12));
  s.ratings.values.assign(51, -1.0);  // values below the scale: the shift would take estimates below 0
  for (std::size_t d = 0; d < 51; ++d) s.estimates[d].values[0].value = 0.3;
  s.ratings.values[50] = std::nan("");
  calibrate_medians(s.ratings, s.estimates, s.folds, 5, {2, 0});
  for (const auto& e : s.estimates) CHECK(e.values[0].value == 0.0);  // clipped to the scale's 0

  auto t = skewed(50);
  const auto before = t.estimates;
  calibrate_medians(t.ratings, t.estimates, t.folds, 5, {0, 20});
  for (std::size_t d = 0; d < t.estimates.size(); ++d) CHECK(t.estimates[d].values[0].value == before[d].values[0].value);
  CHECK_THROWS_AS(calibrate_medians(t.ratings, t.estimates, t.folds, 1, {2, 0}), std::invalid_argument);
}
