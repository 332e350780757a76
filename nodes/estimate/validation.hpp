#pragma once
// Leave-one-out validation of the estimates against O*NET's own values: for every rated
// occupation, its estimate (made without its own values, see estimator.hpp) is compared with
// what O*NET publishes, per domain and scale.
#include <map>
#include <string>
#include <vector>

#include "nodes/estimate/estimator.hpp"

namespace estimate {

struct Metrics {
  std::string domain, scale_id;
  std::size_t n = 0;        // values compared
  double mae = 0;           // mean |estimate - O*NET|
  double bias = 0;          // mean (estimate - O*NET)
  double correlation = 0;   // Pearson r of estimate and O*NET
  double coverage = 0;      // share of O*NET values inside the stated 80 % interval
  double baseline_mae = 0;  // each element's leave-one-out mean over the rated occupations
};

// `estimates[d]` is Estimator::estimate(d) for every document (only rated ones are used).
std::vector<Metrics> validate(const RatingMatrix& ratings, const std::vector<OccupationEstimate>& estimates);

// Scales every estimate's sd (and so its interval) per domain x scale so that, over the rated
// occupations' leave-one-out estimates, exactly `coverage` of O*NET's values fall inside the
// stated interval: the factor is the `coverage` quantile of |O*NET - estimate| / (z sd), z the
// normal quantile of (1 + coverage) / 2. Cross-fitted like the estimates: a rated occupation
// in fold f (Estimator::fold) gets the factor fitted without fold f, so its own error does not
// widen or narrow its own interval; an unrated one the factor fitted on all. Returns the
// factors fitted on all ("skills/LV" -> f). `fold_of(doc)`: -1 for an unrated document.
std::map<std::string, double> calibrate_intervals(const RatingMatrix& ratings, std::vector<OccupationEstimate>& estimates,
                                                  double coverage, const std::vector<int>& fold_of, std::size_t folds);

}  // namespace estimate
