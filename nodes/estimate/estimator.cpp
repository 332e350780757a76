#include "nodes/estimate/estimator.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace estimate {

Estimator::Estimator(const TextIndex& index, const RatingMatrix& ratings, std::vector<int> job_zones,
                     EstimateOptions opts)
    : index_(index), ratings_(ratings), zones_(std::move(job_zones)), opts_(opts), rated_(index.size(), false) {
  const std::size_t n = index_.size(), m = ratings_.columns.size();
  if (ratings_.values.size() != n * m) {
    throw std::invalid_argument("rating matrix has " + std::to_string(ratings_.values.size()) + " cells, expected " +
                                std::to_string(n) + " x " + std::to_string(m));
  }
  if (!zones_.empty() && zones_.size() != n) throw std::invalid_argument("job zones: one per document expected");
  if (opts_.k == 0) throw std::invalid_argument("k must be at least 1");
  col_sum_.assign(m, 0);
  col_n_.assign(m, 0);
  for (std::size_t d = 0; d < n; ++d) {
    for (std::size_t c = 0; c < m; ++c) {
      const double v = ratings_.at(d, c);
      if (std::isnan(v)) continue;
      rated_[d] = true;
      col_sum_[c] += v;
      ++col_n_[c];
    }
  }
  if (opts_.job_zone_adjust && !zones_.empty()) fit_zone_slopes();
}

std::vector<Neighbour> Estimator::neighbours(std::size_t doc) const {
  std::vector<Neighbour> all;
  const float* row = index_.row(doc);
  for (std::size_t d = 0; d < index_.size(); ++d) {
    if (d != doc && rated_[d]) all.push_back({d, row[d]});
  }
  const std::size_t k = std::min(opts_.k, all.size());
  auto better = [](const Neighbour& a, const Neighbour& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.doc < b.doc;
  };
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(), better);
  all.resize(k);
  return all;
}

Estimator::Base Estimator::neighbour_mean(std::size_t doc, const std::vector<Neighbour>& nb, std::size_t col) const {
  Base b;
  double sw = 0, swv = 0, swz = 0, swz_n = 0;
  for (const auto& x : nb) {
    const double v = ratings_.at(x.doc, col);
    if (std::isnan(v)) continue;
    // A neighbour sharing no term still counts, a little: otherwise an occupation whose text
    // matches nothing would have no estimate at all.
    const double w = std::pow(std::max(x.similarity, 1e-3f), opts_.power);
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
  double shrink = cn > 0 ? opts_.shrink : 0;
  const double prior = cn > 0 ? csum / static_cast<double>(cn) : 0;
  b.mean = (swv + shrink * prior) / (sw + shrink);
  double ss = 0;
  for (const auto& x : nb) {
    const double v = ratings_.at(x.doc, col);
    if (std::isnan(v)) continue;
    const double w = std::pow(std::max(x.similarity, 1e-3f), opts_.power);
    ss += w * (v - b.mean) * (v - b.mean);
  }
  b.spread = std::sqrt(ss / sw);
  b.zbar = swz_n > 0 ? swz / swz_n : 0;
  return b;
}

void Estimator::fit_zone_slopes() {
  const std::size_t n = index_.size(), m = ratings_.columns.size();
  sxx_.assign(m, 0);
  sxr_.assign(m, 0);
  own_x_.assign(n * m, kNaN);
  own_r_.assign(n * m, kNaN);
  for (std::size_t d = 0; d < n; ++d) {
    if (!rated_[d] || zones_[d] <= 0) continue;
    const auto nb = neighbours(d);
    for (std::size_t c = 0; c < m; ++c) {
      const double v = ratings_.at(d, c);
      if (std::isnan(v)) continue;
      const Base b = neighbour_mean(d, nb, c);
      if (std::isnan(b.mean) || b.zbar <= 0) continue;
      const double x = zones_[d] - b.zbar, r = v - b.mean;
      sxx_[c] += x * x;
      sxr_[c] += x * r;
      own_x_[d * m + c] = x;
      own_r_[d * m + c] = r;
    }
  }
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
    if (!sxx_.empty() && zones_[doc] > 0 && b.zbar > 0) {
      double sxx = sxx_[c], sxr = sxr_[c];
      const double ox = own_x_[doc * m + c];
      if (!std::isnan(ox)) {  // the target's own term is taken out of the fit
        sxx -= ox * ox;
        sxr -= ox * own_r_[doc * m + c];
      }
      if (sxx > 1e-9) value += (sxr / sxx) * (zones_[doc] - b.zbar);
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
