#pragma once
// Profile estimates from text neighbours: for an occupation, its k most similar *rated*
// occupations (never itself), and for each rated element x scale a similarity-weighted mean
// of their O*NET values, with a standard deviation and an 80 % interval.
//
//   w_i      = sim_i ^ power                                  (i = the k neighbours)
//   mean     = (sum w_i v_i + shrink * m) / (sum w_i + shrink)  m = the column's mean over
//              the rated occupations other than the target (so a rated occupation's estimate
//              uses nothing of its own values: leave-one-out by construction)
//   estimate = mean + zone_slope_c * (z - zbar)                 z = the target's job zone,
//              zbar = the neighbours' weighted mean job zone, zone_slope_c = the column's
//              least-squares slope of (value - neighbour mean) on (z - zbar), fitted over the
//              rated occupations other than the target; 0 when either job zone is unknown
//   spread   = sqrt(sum w_i (v_i - mean)^2 / sum w_i)
//   sd       = interval_scale * sqrt(spread^2 + sd_floor^2)
//   interval = estimate -/+ 1.2816 sd (the 10th and 90th percentiles of a normal), clipped to
//              the scale's range, as is the estimate
//
// k, power, shrink, interval_scale and sd_floor are node parameters, chosen by the
// leave-one-out validation (validation.hpp) and fixed in pipelines/full.yaml.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "nodes/estimate/text_index.hpp"

namespace estimate {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kZ80 = 1.2815515655446004;  // normal quantile of 0.90

struct Column {
  std::string element_id;
  std::string scale_id;  // "LV" | "IM"
  std::string domain;    // "skills" | "knowledge" | ...
  double minimum = 0, maximum = 7;  // the scale's range
};

// O*NET's values: one row per occupation of the index (rows of unrated occupations are NaN),
// one column per element x scale.
struct RatingMatrix {
  std::vector<Column> columns;
  std::vector<double> values;  // index.size() x columns.size(), NaN = not rated
  double at(std::size_t doc, std::size_t col) const { return values[doc * columns.size() + col]; }
};

struct EstimateOptions {
  std::size_t k = 15;
  double power = 1;
  double shrink = 0;
  bool job_zone_adjust = true;
  double interval_scale = 1;
  double sd_floor = 0.1;
};

struct Neighbour {
  std::size_t doc = 0;
  float similarity = 0;
};

struct Estimate {
  double value = kNaN, sd = kNaN, lower = kNaN, upper = kNaN;
  bool valid() const { return !std::isnan(value); }
};

struct OccupationEstimate {
  std::size_t doc = 0;
  std::vector<Neighbour> neighbours;  // most similar first; ties by document order (code)
  std::vector<Estimate> values;       // one per column; invalid when no neighbour rates it
};

class Estimator {
 public:
  // `job_zones`: one per document, 0 when unknown (may be empty: no adjustment).
  Estimator(const TextIndex& index, const RatingMatrix& ratings, std::vector<int> job_zones, EstimateOptions opts);

  std::size_t size() const { return index_.size(); }
  // True when the document has at least one O*NET value.
  bool rated(std::size_t doc) const { return rated_[doc]; }
  // The k most similar rated documents other than `doc`.
  std::vector<Neighbour> neighbours(std::size_t doc) const;
  OccupationEstimate estimate(std::size_t doc) const;

 private:
  struct Base {
    double mean = kNaN, spread = 0, zbar = 0;
  };
  Base neighbour_mean(std::size_t doc, const std::vector<Neighbour>& nb, std::size_t col) const;
  void fit_zone_slopes();

  const TextIndex& index_;
  const RatingMatrix& ratings_;
  std::vector<int> zones_;
  EstimateOptions opts_;
  std::vector<bool> rated_;
  // Per column: sum and count of O*NET values (for the leave-one-out column mean), and the
  // sums of the zone regression (x = z - zbar, r = value - mean) with each rated document's
  // own term kept so that it can be taken out again.
  std::vector<double> col_sum_;
  std::vector<std::size_t> col_n_;
  std::vector<double> sxx_, sxr_;
  std::vector<double> own_x_, own_r_;  // documents x columns (NaN where not part of the fit)
};

}  // namespace estimate
