#include "nodes/estimate/validation.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace estimate {

std::vector<Metrics> validate(const RatingMatrix& ratings, const std::vector<OccupationEstimate>& estimates) {
  const std::size_t m = ratings.columns.size();
  // Column sums for the baseline's leave-one-out mean.
  std::vector<double> sum(m, 0);
  std::vector<std::size_t> cnt(m, 0);
  for (const auto& e : estimates) {
    for (std::size_t c = 0; c < m; ++c) {
      const double v = ratings.at(e.doc, c);
      if (!std::isnan(v)) {
        sum[c] += v;
        ++cnt[c];
      }
    }
  }
  struct Acc {
    std::size_t n = 0, inside = 0;
    double abs = 0, err = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, base_abs = 0;
  };
  std::map<std::pair<std::string, std::string>, Acc> acc;
  for (const auto& e : estimates) {
    for (std::size_t c = 0; c < m; ++c) {
      const double y = ratings.at(e.doc, c);
      const auto& est = e.values[c];
      if (std::isnan(y) || !est.valid() || cnt[c] < 2) continue;
      auto& a = acc[{ratings.columns[c].domain, ratings.columns[c].scale_id}];
      const double x = est.value;
      ++a.n;
      a.abs += std::abs(x - y);
      a.err += x - y;
      a.sx += x;
      a.sy += y;
      a.sxx += x * x;
      a.syy += y * y;
      a.sxy += x * y;
      if (y >= est.lower && y <= est.upper) ++a.inside;
      a.base_abs += std::abs((sum[c] - y) / static_cast<double>(cnt[c] - 1) - y);
    }
  }
  std::vector<Metrics> out;
  for (const auto& [key, a] : acc) {
    Metrics r;
    r.domain = key.first;
    r.scale_id = key.second;
    r.n = a.n;
    const double n = static_cast<double>(a.n);
    r.mae = a.abs / n;
    r.bias = a.err / n;
    r.coverage = static_cast<double>(a.inside) / n;
    r.baseline_mae = a.base_abs / n;
    const double vx = a.sxx - a.sx * a.sx / n, vy = a.syy - a.sy * a.sy / n, cxy = a.sxy - a.sx * a.sy / n;
    r.correlation = vx > 0 && vy > 0 ? cxy / std::sqrt(vx * vy) : 0;
    out.push_back(std::move(r));
  }
  return out;
}

namespace {
// Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9).
double normal_quantile(double p) {
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                             -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
  const double lo = 0.02425;
  if (p < lo) {
    const double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normal_quantile(1 - p);
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
}  // namespace

std::map<std::string, double> calibrate_intervals(const RatingMatrix& ratings, std::vector<OccupationEstimate>& estimates,
                                                  double coverage, const std::vector<int>& fold_of, std::size_t folds) {
  if (!(coverage > 0 && coverage < 1)) throw std::invalid_argument("interval coverage must be in (0, 1)");
  const double z = normal_quantile((1 + coverage) / 2);
  const std::size_t m = ratings.columns.size();
  auto group = [&](std::size_t c) { return ratings.columns[c].domain + "/" + ratings.columns[c].scale_id; };
  // Ratios per group and fold; slot `folds` collects every ratio.
  std::map<std::string, std::vector<std::vector<double>>> ratios;
  for (const auto& e : estimates) {
    const int f = e.doc < fold_of.size() ? fold_of[e.doc] : -1;
    for (std::size_t c = 0; c < m; ++c) {
      const double y = ratings.at(e.doc, c);
      const auto& v = e.values[c];
      if (std::isnan(y) || !v.valid() || !(v.sd > 0) || f < 0) continue;
      auto& slots = ratios[group(c)];
      slots.resize(folds);
      slots[static_cast<std::size_t>(f) % folds].push_back(std::abs(y - v.value) / (z * v.sd));
    }
  }
  auto quantile = [&](std::vector<double> r) {
    if (r.empty()) return 1.0;
    auto q = r.begin() + static_cast<std::ptrdiff_t>(std::min(r.size() - 1, static_cast<std::size_t>(coverage * r.size())));
    std::nth_element(r.begin(), q, r.end());
    return *q;
  };
  // factor[g][0]: on all folds; factor[g][1 + f]: without fold f.
  std::map<std::string, std::vector<double>> factor;
  for (const auto& [g, slots] : ratios) {
    std::vector<double> all;
    for (const auto& s : slots) all.insert(all.end(), s.begin(), s.end());
    auto& out = factor[g];
    out.push_back(quantile(all));
    for (std::size_t f = 0; f < folds; ++f) {
      std::vector<double> rest;
      for (std::size_t h = 0; h < folds; ++h)
        if (h != f) rest.insert(rest.end(), slots[h].begin(), slots[h].end());
      out.push_back(quantile(std::move(rest)));
    }
  }
  for (auto& e : estimates) {
    const int f = e.doc < fold_of.size() ? fold_of[e.doc] : -1;
    for (std::size_t c = 0; c < m; ++c) {
      auto& v = e.values[c];
      auto it = factor.find(group(c));
      if (!v.valid() || it == factor.end()) continue;
      v.sd *= it->second[fold_slot(f)];
      v.lower = std::max(ratings.columns[c].minimum, v.value - z * v.sd);
      v.upper = std::min(ratings.columns[c].maximum, v.value + z * v.sd);
    }
  }
  std::map<std::string, double> fitted;
  for (const auto& [g, f] : factor) fitted[g] = f[0];
  return fitted;
}

}  // namespace estimate
