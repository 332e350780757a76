#include "nodes/estimate/median_calibration.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace estimate {

namespace {

double median(std::vector<double>& v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

MedianShift::MedianShift(std::vector<double> estimates, const std::vector<double>& values, const MedianCalibrationOptions& o) {
  if (estimates.size() != values.size()) throw std::invalid_argument("median calibration: estimates and values differ in size");
  if (o.bins == 0 || estimates.empty()) return;
  if (!(o.shrink >= 0)) throw std::invalid_argument("median calibration: shrink must not be negative");
  // Equal-count bins by rank: the edge below bin b lies halfway between the order statistics
  // either side of rank ceil(b n / bins), so no edge sits on an estimate unless two estimates
  // are equal (then both stay on the same side). An edge on an estimate would put it in one bin
  // or the other by its last bit.
  std::vector<double> sorted = estimates;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  for (std::size_t b = 1; b < o.bins && n > 1; ++b) {
    const std::size_t j = std::clamp<std::size_t>((b * n + o.bins - 1) / o.bins, 1, n - 1);
    edges_.push_back((sorted[j - 1] + sorted[j]) / 2);
  }
  std::vector<std::vector<double>> residuals(edges_.size() + 1), members(edges_.size() + 1);
  for (std::size_t i = 0; i < estimates.size(); ++i) {
    const auto b = static_cast<std::size_t>(std::upper_bound(edges_.begin(), edges_.end(), estimates[i]) - edges_.begin());
    residuals[b].push_back(values[i] - estimates[i]);
    members[b].push_back(estimates[i]);
  }
  // One knot per bin that holds estimates (equal estimates can leave bins between equal edges
  // empty): at its median estimate, the bin's shrunk median error. The knots rise strictly, as
  // every estimate of a bin lies below every estimate of the next.
  for (std::size_t b = 0; b < residuals.size(); ++b) {
    if (residuals[b].empty()) continue;
    const auto n = static_cast<double>(residuals[b].size());
    centres_.push_back(median(members[b]));
    shifts_.push_back(median(residuals[b]) * n / (n + o.shrink));
  }
}

double MedianShift::apply(double x) const {
  if (shifts_.empty()) return x;
  // Linear between the knots, flat beyond the outer ones: an estimate that moves a little
  // moves its shift a little (steps at the bin edges would make it jump, by 0.05 typically
  // and up to 0.47 on O*NET 29.2), and the leave-one-out MAE is lower too (0.2912 vs 0.2919).
  if (x <= centres_.front()) return x + shifts_.front();
  if (x >= centres_.back()) return x + shifts_.back();
  const auto k = static_cast<std::size_t>(std::upper_bound(centres_.begin(), centres_.end(), x) - centres_.begin());
  const double x0 = centres_[k - 1], x1 = centres_[k];
  const double t = x1 > x0 ? (x - x0) / (x1 - x0) : 0;
  return x + shifts_[k - 1] + t * (shifts_[k] - shifts_[k - 1]);
}

void calibrate_medians(const RatingMatrix& ratings, std::vector<OccupationEstimate>& estimates, const std::vector<int>& fold_of,
                       std::size_t folds, const MedianCalibrationOptions& o) {
  if (o.bins == 0) return;
  if (folds < 2) throw std::invalid_argument("median calibration: folds must be at least 2");
  auto fold = [&](std::size_t doc) { return doc < fold_of.size() ? fold_of[doc] : -1; };
  const std::size_t m = ratings.columns.size();
  for (std::size_t c = 0; c < m; ++c) {
    // The rated occupations' (fold, leave-one-out estimate, O*NET value) of this column.
    std::vector<int> pf;
    std::vector<double> px, py;
    for (const auto& e : estimates) {
      const double y = ratings.at(e.doc, c);
      if (fold(e.doc) < 0 || std::isnan(y) || !e.values[c].valid()) continue;
      pf.push_back(fold(e.doc) % static_cast<int>(folds));
      px.push_back(e.values[c].value);
      py.push_back(y);
    }
    if (px.empty()) continue;
    // shift[0]: fitted on every fold; shift[1 + f]: without fold f. All fitted before any
    // estimate moves.
    std::vector<MedianShift> shift;
    shift.emplace_back(px, py, o);
    for (std::size_t f = 0; f < folds; ++f) {
      std::vector<double> x, y;
      for (std::size_t i = 0; i < px.size(); ++i) {
        if (pf[i] == static_cast<int>(f)) continue;
        x.push_back(px[i]);
        y.push_back(py[i]);
      }
      shift.emplace_back(std::move(x), y, o);
    }
    const auto& col = ratings.columns[c];
    for (auto& e : estimates) {
      auto& v = e.values[c];
      if (!v.valid()) continue;
      const int f = fold(e.doc);
      const auto& s = shift[fold_slot(f % static_cast<int>(folds))];  // -1 % folds is -1: slot 0
      v.value = std::clamp(s.apply(v.value), col.minimum, col.maximum);
    }
  }
}

}  // namespace estimate
