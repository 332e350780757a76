#include "nodes/estimate/estimator.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace estimate {

Estimator::Estimator(const TextIndex& index, const RatingMatrix& ratings, std::vector<int> job_zones, EstimateOptions opts)
    : index_(index),
      ratings_(ratings),
      zones_(std::move(job_zones)),
      opts_(opts),
      rated_(index.size(), false),
      fold_(index.size(), -1) {
  const std::size_t n = index_.size(), m = ratings_.columns.size();
  if (ratings_.values.size() != n * m) {
    throw std::invalid_argument("rating matrix has " + std::to_string(ratings_.values.size()) + " cells, expected " +
                                std::to_string(n) + " x " + std::to_string(m));
  }
  if (!zones_.empty() && zones_.size() != n) throw std::invalid_argument("job zones: one per document expected");
  if (opts_.k == 0) throw std::invalid_argument("k must be at least 1");
  if (opts_.folds < 2) throw std::invalid_argument("folds must be at least 2");
  col_sum_.assign(m, 0);
  col_n_.assign(m, 0);
  std::size_t rated = 0;
  for (std::size_t d = 0; d < n; ++d) {
    for (std::size_t c = 0; c < m; ++c) {
      const double v = ratings_.at(d, c);
      if (std::isnan(v)) continue;
      rated_[d] = true;
      col_sum_[c] += v;
      ++col_n_[c];
    }
    if (rated_[d]) fold_[d] = static_cast<int>(rated++ % opts_.folds);  // interleaved in code order
  }
  fold_sum_.assign(opts_.folds * m, 0);
  fold_n_.assign(opts_.folds * m, 0);
  for (std::size_t d = 0; d < n; ++d) {
    if (fold_[d] < 0) continue;
    for (std::size_t c = 0; c < m; ++c) {
      const double v = ratings_.at(d, c);
      if (std::isnan(v)) continue;
      fold_sum_[static_cast<std::size_t>(fold_[d]) * m + c] += v;
      ++fold_n_[static_cast<std::size_t>(fold_[d]) * m + c];
    }
  }
  if (opts_.job_zone_adjust && !zones_.empty()) {
    slopes_.push_back(fit_zone_slopes(-1));
    for (std::size_t f = 0; f < opts_.folds; ++f) slopes_.push_back(fit_zone_slopes(static_cast<int>(f)));
  }
}

std::vector<Neighbour> Estimator::neighbours(std::size_t doc) const { return neighbours(doc, -1); }

std::vector<Neighbour> Estimator::neighbours(std::size_t doc, int exclude) const {
  std::vector<Neighbour> all;
  const float* row = index_.row(doc);
  for (std::size_t d = 0; d < index_.size(); ++d) {
    if (d != doc && rated_[d] && (exclude < 0 || fold_[d] != exclude)) all.push_back({d, row[d]});
  }
  const std::size_t k = std::min(opts_.k, all.size());
  auto better = [](const Neighbour& a, const Neighbour& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.doc < b.doc;
  };
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(), better);
  all.resize(k);
  // A neighbour sharing no term still counts, a little: otherwise an occupation whose text
  // matches nothing would have no estimate at all.
  for (auto& x : all) x.weight = std::pow(std::max(x.similarity, 1e-3f), opts_.power);
  return all;
}

Estimator::Base Estimator::neighbour_mean(std::size_t doc, const std::vector<Neighbour>& nb, std::size_t col, int exclude) const {
  Base b;
  double sw = 0, swv = 0, swz = 0, swz_n = 0;
  for (const auto& x : nb) {
    const double v = ratings_.at(x.doc, col);
    if (std::isnan(v)) continue;
    const double w = x.weight;
    sw += w;
    swv += w * v;
    if (!zones_.empty() && zones_[x.doc] > 0) {
      swz += w * zones_[x.doc];
      swz_n += w;
    }
  }
  if (sw <= 0) return b;
  // The column mean without the target's own value (leave-one-out for a rated occupation).
  double csum = col_sum_[col];
  std::size_t cn = col_n_[col];
  const double own = ratings_.at(doc, col);
  if (!std::isnan(own)) {
    csum -= own;
    --cn;
  }
  if (exclude >= 0) {
    const std::size_t at = static_cast<std::size_t>(exclude) * ratings_.columns.size() + col;
    csum -= fold_sum_[at];
    cn -= fold_n_[at];
  }
  double shrink = cn > 0 ? opts_.shrink : 0;
  const double prior = cn > 0 ? csum / static_cast<double>(cn) : 0;
  b.mean = (swv + shrink * prior) / (sw + shrink);
  double ss = 0;
  for (const auto& x : nb) {
    const double v = ratings_.at(x.doc, col);
    if (std::isnan(v)) continue;
    ss += x.weight * (v - b.mean) * (v - b.mean);
  }
  b.spread = std::sqrt(ss / sw);
  b.zbar = swz_n > 0 ? swz / swz_n : 0;
  return b;
}

std::vector<double> Estimator::fit_zone_slopes(int exclude) const {
  const std::size_t n = index_.size(), m = ratings_.columns.size();
  std::vector<double> sxx(m, 0), sxr(m, 0), slope(m, 0);
  for (std::size_t d = 0; d < n; ++d) {
    if (!rated_[d] || zones_[d] <= 0 || (exclude >= 0 && fold_[d] == exclude)) continue;
    const auto nb = neighbours(d, exclude);
    for (std::size_t c = 0; c < m; ++c) {
      const double v = ratings_.at(d, c);
      if (std::isnan(v)) continue;
      const Base b = neighbour_mean(d, nb, c, exclude);
      if (std::isnan(b.mean) || b.zbar <= 0) continue;
      const double x = zones_[d] - b.zbar;
      sxx[c] += x * x;
      sxr[c] += x * (v - b.mean);
    }
  }
  for (std::size_t c = 0; c < m; ++c) slope[c] = sxx[c] > 1e-9 ? sxr[c] / sxx[c] : 0;
  return slope;
}

OccupationEstimate Estimator::estimate(std::size_t doc) const {
  const std::size_t m = ratings_.columns.size();
  OccupationEstimate out;
  out.doc = doc;
  out.neighbours = neighbours(doc);
  out.values.resize(m);
  for (std::size_t c = 0; c < m; ++c) {
    const Base b = neighbour_mean(doc, out.neighbours, c);
    if (std::isnan(b.mean)) continue;
    double value = b.mean;
    if (!slopes_.empty() && zones_[doc] > 0 && b.zbar > 0) {
      const auto& slope = slopes_[fold_slot(fold_[doc])];  // without the target's fold
      value += slope[c] * (zones_[doc] - b.zbar);
    }
    const auto& col = ratings_.columns[c];
    Estimate& e = out.values[c];
    e.value = std::clamp(value, col.minimum, col.maximum);
    e.sd = opts_.interval_scale * std::sqrt(b.spread * b.spread + opts_.sd_floor * opts_.sd_floor);
    e.lower = std::clamp(value - kZ80 * e.sd, col.minimum, col.maximum);
    e.upper = std::clamp(value + kZ80 * e.sd, col.minimum, col.maximum);
  }
  return out;
}

}  // namespace estimate
