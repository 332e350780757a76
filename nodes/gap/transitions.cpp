#include "nodes/gap/transitions.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "common/sanitizers.hpp"
#include "nodes/gap/errors.hpp"

namespace gap {

std::string_view to_string(TransitionDomain d) {
  switch (d) {
    case TransitionDomain::Skills:
      return "skills";
    case TransitionDomain::Knowledge:
      return "knowledge";
    case TransitionDomain::All:
      return "all";
  }
  return "skills";
}

std::optional<TransitionDomain> parse_transition_domain(std::string_view s) {
  if (s == "skills") return TransitionDomain::Skills;
  if (s == "knowledge") return TransitionDomain::Knowledge;
  if (s == "all") return TransitionDomain::All;
  return std::nullopt;
}

std::vector<Domain> domains_of(TransitionDomain d) {
  switch (d) {
    case TransitionDomain::Skills:
      return {Domain::Skills};
    case TransitionDomain::Knowledge:
      return {Domain::Knowledge};
    case TransitionDomain::All:
      return {Domain::Skills, Domain::Knowledge};
  }
  return {Domain::Skills};
}

std::string_view to_string(JobZoneRule r) {
  switch (r) {
    case JobZoneRule::Any:
      return "any";
    case JobZoneRule::Same:
      return "same";
    case JobZoneRule::Up:
      return "up";
    case JobZoneRule::Down:
      return "down";
    case JobZoneRule::Within1:
      return "within1";
  }
  return "any";
}

std::optional<JobZoneRule> parse_job_zone_rule(std::string_view s) {
  if (s == "any") return JobZoneRule::Any;
  if (s == "same") return JobZoneRule::Same;
  if (s == "up") return JobZoneRule::Up;
  if (s == "down") return JobZoneRule::Down;
  if (s == "within1") return JobZoneRule::Within1;
  return std::nullopt;
}

// SOC 2018 minor groups are XX-X000 (29-1000 holds 29-10xx, 29-11xx and 29-12xx); the 2018
// revision's 15-1200, 31-1100 and 51-5100 are the only minor groups of their first digit, so the
// first three digits name the group in every case.
std::string_view soc_minor_group(std::string_view code) { return code.substr(0, std::min<std::size_t>(4, code.size())); }

namespace {

double zone_formula(int step) {
  const double dz = std::abs(step);
  return std::exp(-(0.15 * dz + 0.35 * std::max(0.0, dz - 1.0)));
}

// Z for |dz| = 0..4 (job zones are 1..5), from the formula once: the ranking asks it for every
// candidate of every request, and exp() was a tenth of the ranking's cost.
double zone_factor(int step) {
  static const std::array<double, 5> table = [] {
    std::array<double, 5> t{};
    for (int i = 0; i < 5; ++i) t[static_cast<std::size_t>(i)] = zone_formula(i);
    return t;
  }();
  const int a = std::abs(step);
  return a < 5 ? table[static_cast<std::size_t>(a)] : zone_formula(a);
}

}  // namespace

TransitionScore transition_score(double text_similarity, double rating_similarity, double weighted_gap,
                                 std::optional<int> zone_step, JobZoneRule rule) {
  TransitionScore s;
  s.similarity = (text_similarity + rating_similarity) / 2.0;
  s.learning = 1.0 / (1.0 + std::max(0.0, weighted_gap) / 2.0);
  s.job_zone = 1.0;
  if (zone_step && (rule == JobZoneRule::Any || rule == JobZoneRule::Within1)) s.job_zone = zone_factor(*zone_step);
  s.score = s.similarity * s.learning * s.job_zone;
  return s;
}

namespace {

bool zone_allows(JobZoneRule rule, std::optional<int> step) {
  if (rule == JobZoneRule::Any) return true;
  if (!step) return false;
  switch (rule) {
    case JobZoneRule::Same:
      return *step == 0;
    case JobZoneRule::Up:
      return *step > 0;
    case JobZoneRule::Down:
      return *step < 0;
    case JobZoneRule::Within1:
      return *step >= -1 && *step <= 1;
    default:
      return true;
  }
}

struct DenseGap {
  std::int32_t units = 0;  // sum of gap x IM, in hundredths x hundredths (< 700 x 500 per column)
  std::int32_t count = 0;
};

// The gap of `from` against `to` over columns `r`: compute_gap's gaps, summed (DenseLevels).
// In 32-bit integers so that it vectorizes; a clone for AVX2 (8 lanes, with the 32-bit multiply
// and max SSE2 lacks) is picked at load time where the CPU has it. Not under AddressSanitizer,
// whose start-up runs after ifunc resolvers.
#if defined(__x86_64__) && !SKILLGAP_ASAN
__attribute__((target_clones("avx2", "default")))
#endif
DenseGap
dense_gap(const std::int32_t* have, const std::int32_t* need, const std::int32_t* w, std::size_t n) {
  std::int32_t units = 0, count = 0;
  for (std::size_t c = 0; c < n; ++c) {
    const std::int32_t g = std::max(0, need[c] - have[c]);
    units += g * w[c];
    count += g > 0 ? 1 : 0;
  }
  return {units, count};
}

// W in hundredths of an LV point: units / 500 (gap x IM / 5 in hundredths), half up.
std::int64_t weighted_hundredths(std::int32_t units) { return (units + 250) / 500; }

}  // namespace

TransitionResult rank_transitions(const SimilarityView& view, const std::string& from_code, const TransitionOptions& opts) {
  auto from_at = view.find(from_code);
  if (!from_at) throw UnknownOccupation(from_code);
  const std::size_t s = *from_at;
  const auto& from = view.profile(s);
  const DenseLevels& d = view.levels(opts.source);
  const auto domains = domains_of(opts.domain);
  for (Domain dom : domains) {
    if (!d.has_values(s, dom)) {
      throw NoRatings(from->code, from->title, std::string(to_string(dom)),
                      opts.source ? std::string(to_string(*opts.source)) : std::string());
    }
  }
  ColumnRange cols = d.range(domains.front());
  if (domains.size() > 1) cols = {d.range(Domain::Skills).begin, d.range(Domain::Knowledge).end};
  // dense_gap sums in 32 bits: at most 700 x 500 per column (LV 7, IM 5, in hundredths).
  if (cols.size() > 6000) throw std::length_error("transitions: more than 6,000 elements in one comparison");
  const std::int64_t max_w =  // W in hundredths; no bound = the largest W
      opts.max_weighted_gap ? hundredths(*opts.max_weighted_gap) : std::numeric_limits<std::int64_t>::max();
  const std::string_view group = soc_minor_group(from->code);
  const float* text = view.text_row(s);
  const float* rating = view.rating_row(s);

  struct Candidate {
    double score;
    std::uint32_t at;
    std::int32_t count;
    std::int64_t w;  // W in hundredths
  };
  std::vector<Candidate> cands;
  cands.reserve(view.size());
  const int zs = from->job_zone;
  for (std::size_t t = 0; t < view.size(); ++t) {
    if (t == s) continue;
    bool ok = true;
    for (Domain dom : domains) ok = ok && d.has_values(t, dom);
    if (!ok) continue;
    const auto& to = view.profile(t);
    const int zt = to->job_zone;
    const std::optional<int> step = zs > 0 && zt > 0 ? std::optional<int>(zt - zs) : std::nullopt;
    if (!zone_allows(opts.job_zone, step)) continue;
    if (opts.exclude_group && soc_minor_group(to->code) == group) continue;
    const DenseGap g = dense_gap(d.level(s) + cols.begin, d.required(t) + cols.begin, d.weight(t) + cols.begin, cols.size());
    const std::int64_t w = weighted_hundredths(g.units);
    if (w > max_w) continue;
    const auto sc = transition_score(text[t], rating[t], static_cast<double>(w) / 100.0, step, opts.job_zone);
    cands.push_back({sc.score, static_cast<std::uint32_t>(t), g.count, w});
  }

  TransitionResult out;
  out.from = from;
  out.options = opts;
  out.candidates = cands.size();
  // Best first; equal scores by code (the view is in code order).
  auto better = [](const Candidate& a, const Candidate& b) { return a.score != b.score ? a.score > b.score : a.at < b.at; };
  const std::size_t k = std::min(opts.limit, cands.size());
  std::partial_sort(cands.begin(), cands.begin() + static_cast<std::ptrdiff_t>(k), cands.end(), better);

  out.transitions.reserve(k);
  for (std::size_t i = 0; i < k; ++i) {
    const auto& c = cands[i];
    Transition tr;
    tr.to = view.profile(c.at);
    tr.text_similarity = view.text_similarity(s, c.at);
    tr.rating_similarity = view.rating_similarity(s, c.at);
    tr.from_zone = zs;
    tr.to_zone = tr.to->job_zone;
    if (zs > 0 && tr.to_zone > 0) tr.zone_step = tr.to_zone - zs;
    tr.weighted_gap = static_cast<double>(c.w) / 100.0;
    tr.gap_count = static_cast<std::size_t>(c.count);
    tr.score = transition_score(tr.text_similarity, tr.rating_similarity, tr.weighted_gap, tr.zone_step, opts.job_zone);
    // The gaps themselves: compute_gap, as /skill-gap computes them for this pair.
    std::vector<TransitionGap> gaps;
    for (Domain dom : domains) {
      GapOptions go;
      go.source = opts.source;
      go.domain = dom;
      go.limit = kTopGaps;  // each domain's top 3 hold the merged top 3
      auto r = compute_gap(*from, *tr.to, go);
      tr.estimated = tr.estimated || r.from_estimated || r.to_estimated;
      for (auto& g : r.gaps) gaps.push_back({dom, std::move(g)});
    }
    if (domains.size() > 1) {
      std::stable_sort(gaps.begin(), gaps.end(), [](const TransitionGap& a, const TransitionGap& b) {
        auto ga = hundredths(a.gap.gap), gb = hundredths(b.gap.gap);
        if (ga != gb) return ga > gb;
        return element_id_less(a.gap.element_id, b.gap.element_id);
      });
    }
    if (gaps.size() > kTopGaps) gaps.resize(kTopGaps);
    tr.top_gaps = std::move(gaps);
    out.transitions.push_back(std::move(tr));
  }
  return out;
}

}  // namespace gap
