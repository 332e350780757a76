#include "nodes/llm/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>

namespace llm {

namespace {

std::uint32_t fnv1a(const std::string& s) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

double round6(double v) { return std::round(v * 1e6) / 1e6; }

}  // namespace

nlohmann::json Metrics::to_json() const { return {{"n", n}, {"mae", round6(mae)}, {"bias", round6(bias)}, {"r", round6(r)}}; }

Metrics compare(const std::vector<double>& p, const std::vector<double>& t) {
  Metrics m;
  m.n = std::min(p.size(), t.size());
  if (m.n == 0) return m;
  double sp = 0, st = 0;
  for (std::size_t i = 0; i < m.n; ++i) {
    m.mae += std::fabs(p[i] - t[i]);
    m.bias += p[i] - t[i];
    sp += p[i];
    st += t[i];
  }
  const double n = static_cast<double>(m.n);
  m.mae /= n;
  m.bias /= n;
  const double mp = sp / n, mt = st / n;
  double cov = 0, vp = 0, vt = 0;
  for (std::size_t i = 0; i < m.n; ++i) {
    cov += (p[i] - mp) * (t[i] - mt);
    vp += (p[i] - mp) * (p[i] - mp);
    vt += (t[i] - mt) * (t[i] - mt);
  }
  m.r = vp > 0 && vt > 0 ? cov / std::sqrt(vp * vt) : 0;
  return m;
}

std::optional<LinearMap> fit_linear(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = std::min(x.size(), y.size());
  if (n < 2) return std::nullopt;
  double sx = 0, sy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sx += x[i];
    sy += y[i];
  }
  const double mx = sx / static_cast<double>(n), my = sy / static_cast<double>(n);
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
  }
  if (sxx <= 1e-12 * static_cast<double>(n)) return std::nullopt;
  LinearMap m;
  m.slope = sxy / sxx;
  m.intercept = my - m.slope * mx;
  return m;
}

nlohmann::json Calibration::to_json() const {
  nlohmann::json j = {{"fitted", fitted},
                      {"method", "OLS onet_lv ~ raw_level, k-fold by occupation"},
                      {"slope", round6(map.slope)},
                      {"intercept", round6(map.intercept)},
                      {"pairs", pairs},
                      {"occupations", occupations},
                      {"folds", folds},
                      {"residual_sd", round6(residual_sd)},
                      {"raw", raw.to_json()},
                      {"calibrated_heldout", calibrated.to_json()}};
  if (!note.empty()) j["note"] = note;
  return j;
}

Calibration calibrate(const std::vector<Pair>& pairs, int folds, std::size_t min_pairs) {
  Calibration c;
  c.pairs = pairs.size();
  std::set<std::string> codes;
  for (const auto& p : pairs) codes.insert(p.code);
  c.occupations = codes.size();

  std::vector<double> raw, onet;
  raw.reserve(pairs.size());
  onet.reserve(pairs.size());
  for (const auto& p : pairs) {
    raw.push_back(p.raw);
    onet.push_back(p.onet);
  }
  c.raw = compare(raw, onet);

  auto all = fit_linear(raw, onet);
  if (pairs.size() < std::max<std::size_t>(min_pairs, 2) || codes.size() < 2 || !all) {
    c.note = !all && pairs.size() >= 2 ? "the raw levels do not vary; no line can be fitted"
                                       : "too few rated occupations answered to calibrate (" + std::to_string(pairs.size()) +
                                             " pairs, " + std::to_string(codes.size()) + " occupations)";
    c.calibrated = c.raw;
    c.residual_sd = std::sqrt([&] {
      double s = 0;
      for (std::size_t i = 0; i < raw.size(); ++i) s += (raw[i] - onet[i]) * (raw[i] - onet[i]);
      return raw.empty() ? 1.0 : s / static_cast<double>(raw.size());
    }());
    return c;
  }
  c.fitted = true;
  c.map = *all;

  // Folds by occupation, so that an occupation's own pairs never judge a fit they helped make.
  const int k = std::max(2, std::min<int>(folds, static_cast<int>(codes.size())));
  c.folds = static_cast<std::size_t>(k);
  std::map<std::string, int> fold_of;
  {
    // Hash order, then dealt round-robin: folds of equal size, independent of input order.
    std::vector<std::pair<std::uint32_t, std::string>> order;
    order.reserve(codes.size());
    for (const auto& code : codes) order.emplace_back(fnv1a(code), code);
    std::sort(order.begin(), order.end());
    for (std::size_t i = 0; i < order.size(); ++i) fold_of[order[i].second] = static_cast<int>(i % k);
  }
  std::vector<double> predicted(pairs.size());
  for (int f = 0; f < k; ++f) {
    std::vector<double> x, y;
    for (const auto& p : pairs) {
      if (fold_of[p.code] != f) {
        x.push_back(p.raw);
        y.push_back(p.onet);
      }
    }
    LinearMap m = fit_linear(x, y).value_or(*all);  // a fold without variation: the full fit
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      if (fold_of[pairs[i].code] == f) predicted[i] = m.apply(pairs[i].raw);
    }
  }
  c.calibrated = compare(predicted, onet);
  double ss = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) ss += (predicted[i] - onet[i]) * (predicted[i] - onet[i]);
  c.residual_sd = std::sqrt(ss / static_cast<double>(pairs.size()));
  return c;
}

double clamp_level(double v, const BlendOptions& o) { return std::clamp(v, o.lo, o.hi); }

double blend(double onet, std::optional<double> se, double llm, double llm_sd, const BlendOptions& o) {
  double s = se ? std::max(*se, o.se_floor) : o.default_se;
  s = std::max(s, 1e-9);
  const double sd = std::max(llm_sd, 1e-9);
  const double w_onet = 1.0 / (s * s), w_llm = 1.0 / (sd * sd);
  return clamp_level((w_onet * onet + w_llm * llm) / (w_onet + w_llm), o);
}

}  // namespace llm
