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
//              least-squares slope (through 0) of (value - neighbour mean) on (z - zbar) over
//              rated occupations; 0 when either job zone is unknown
//   spread   = sqrt(sum w_i (v_i - mean)^2 / sum w_i)
//   sd       = interval_scale * sqrt(spread^2 + sd_floor^2)
//   interval = estimate -/+ 1.2816 sd (the 10th and 90th percentiles of a normal), clipped to
//              the scale's range, as is the estimate
//
// Leave-one-out by construction: a target's neighbours never include itself, the prior m
// leaves it out, and the slope is cross-fitted: rated occupations fall into `folds` folds (by
// code order) and a rated target uses the slope fitted on the other folds only, where every
// residual was computed with neighbours from those folds — so nothing of the target's own
// values enters its estimate, exactly as for an occupation O*NET does not rate (which uses the
// slope fitted on all rated occupations).
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

// Cross-fitted figures are kept per fold slot: slot 0 fitted on every rated occupation (for the
// unrated ones, fold -1), slot f + 1 fitted without fold f (for the rated occupations of fold f).
inline std::size_t fold_slot(int fold) { return fold < 0 ? 0 : static_cast<std::size_t>(fold) + 1; }

struct Column {
  std::string element_id;
  std::string scale_id;             // "LV" | "IM"
  std::string domain;               // "skills" | "knowledge" | ...
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
  std::size_t folds = 10;  // cross-fitting of the zone slope (and of the interval calibration)
};

struct Neighbour {
  std::size_t doc = 0;
  float similarity = 0;
  double weight = 0;  // similarity ^ power (a similarity of 0 counts as 0.001)
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
  // The cross-fitting fold of a rated document (0..folds-1); -1 for an unrated one.
  int fold(std::size_t doc) const { return fold_[doc]; }
  std::size_t folds() const { return opts_.folds; }
  OccupationEstimate estimate(std::size_t doc) const;

 private:
  struct Base {
    double mean = kNaN, spread = 0, zbar = 0;
  };
  // The k most similar rated documents other than `doc` and outside fold `exclude` (-1: none).
  std::vector<Neighbour> neighbours(std::size_t doc, int exclude) const;
  // `exclude`: a fold whose values the column-mean prior must not see either (-1: none).
  Base neighbour_mean(std::size_t doc, const std::vector<Neighbour>& nb, std::size_t col, int exclude = -1) const;
  // Slope per column fitted on the rated documents outside fold `exclude` (-1: all of them).
  std::vector<double> fit_zone_slopes(int exclude) const;

  const TextIndex& index_;
  const RatingMatrix& ratings_;
  std::vector<int> zones_;
  EstimateOptions opts_;
  std::vector<bool> rated_;
  std::vector<int> fold_;
  // Per column: sum and count of O*NET values (for the leave-one-out column mean).
  std::vector<double> col_sum_;
  std::vector<std::size_t> col_n_;
  std::vector<double> fold_sum_;  // folds x columns: the same per fold
  std::vector<std::size_t> fold_n_;
  // slopes_[0]: fitted on every rated document; slopes_[1 + f]: without fold f. Empty: no adjustment.
  std::vector<std::vector<double>> slopes_;
};

}  // namespace estimate
