#pragma once
// Conditional-median calibration of the point estimates (issue 11: the targets are mean
// *absolute* errors, and the kernel ridge fits squared ones, so it aims at the conditional mean).
// Where O*NET's values are skewed given the estimate — an element most occupations rate near
// the bottom of the scale, with a few far above — the median lies below the mean and an
// estimate moved towards it has a smaller absolute error. Per column (element x scale):
//
//   bins     = `bins` equal-count bins of the rated occupations' leave-one-out estimates
//              (edge below bin b: halfway between the estimates of rank ceil(b n / bins) − 1
//              and ceil(b n / bins), counting from 0)
//   shift_b  = median(O*NET − estimate) over bin b · n_b / (n_b + shrink)
//              (shrunk towards 0 where a bin holds few occupations), placed at the bin's
//              median estimate c_b
//   final    = clip(estimate + shift(estimate), to the scale), shift linear between the
//              (c_b, shift_b) and flat beyond the first and last: continuous, so that an
//              estimate that moves a little never jumps by a whole step between two bins
//
// Cross-fitted like the interval calibration: a rated occupation of fold f is moved by the
// shifts fitted on the other folds only, so its own value does not move its own estimate; an
// unrated occupation by the shifts fitted on every rated one. On O*NET 29.2 (leave-one-out MAE)
// it takes skills LV 0.297 → 0.291 and skills IM 0.213 → 0.209, knowledge ~0.003 each
// (bench/estimate/research/median_calibration.py; a nested check that also leaves fold f out
// of the ridge the shifts are fitted on gives the same figures, so the gain is not a leak).
#include <cstddef>
#include <vector>

#include "nodes/estimate/estimator.hpp"

namespace estimate {

struct MedianCalibrationOptions {
  std::size_t bins = 10;  // 0: off
  double shrink = 20;     // occupations' worth of pull towards no shift, per bin
};

// The shift of one column, fitted on (estimate, O*NET value) pairs: apply(x) = x + the shift
// interpolated at x. Exposed for the tests; calibrate_medians below is what the node uses.
class MedianShift {
 public:
  MedianShift() = default;
  MedianShift(std::vector<double> estimates, const std::vector<double>& values, const MedianCalibrationOptions& o);
  double apply(double x) const;
  const std::vector<double>& edges() const { return edges_; }
  const std::vector<double>& centres() const { return centres_; }  // one knot per non-empty bin
  const std::vector<double>& shifts() const { return shifts_; }

 private:
  std::vector<double> edges_;    // bins - 1 interior edges, ascending (fewer with fewer estimates)
  std::vector<double> centres_;  // per non-empty bin, its median estimate (strictly rising)
  std::vector<double> shifts_;   // per non-empty bin, its shrunk median error (empty: no shift)
};

// Moves every valid estimate of `estimates` by its column's cross-fitted shift (see above) and
// clips it to the column's range. `fold_of(doc)`: the cross-fitting fold of a rated document,
// -1 for an unrated one. Only `value` changes; the caller calibrates sd and interval after.
void calibrate_medians(const RatingMatrix& ratings, std::vector<OccupationEstimate>& estimates, const std::vector<int>& fold_of,
                       std::size_t folds, const MedianCalibrationOptions& o);

}  // namespace estimate
