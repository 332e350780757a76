#include "nodes/gap/skill_gap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace gap {

ValueSource side_source(const OccupationProfile& p, Domain d, std::optional<ValueSource> requested) {
  if (requested) return *requested;
  const std::uint8_t mask = p.level_mask(d);
  if (mask & OccupationProfile::level_bit(ValueSource::Onet)) return ValueSource::Onet;
  if (mask & OccupationProfile::kLlmLevel) return ValueSource::Refined;
  if (mask & OccupationProfile::level_bit(ValueSource::Estimate)) return ValueSource::Estimate;
  return ValueSource::Onet;
}

bool has_values(const OccupationProfile& p, Domain d) { return p.has_level_ratings(d); }

GapResult compute_gap(const OccupationProfile& from, const OccupationProfile& to, const GapOptions& opts) {
  GapResult out;
  out.from_source = side_source(from, opts.domain, opts.source);
  out.to_source = side_source(to, opts.domain, opts.source);
  out.source = out.to_source;
  const std::int64_t min_gap = std::max<std::int64_t>(0, hundredths(opts.min_gap));
  const bool filter_im = opts.min_importance.has_value();
  const std::int64_t min_im = filter_im ? hundredths(*opts.min_importance) : 0;

  // Each side is read from its gap cells under its source (OccupationProfile::gap_cells), not
  // from the entries: the values there are already rounded as the answer gives them.
  std::vector<GapCell> to_scratch, from_scratch;
  const GapCell* to_cells = to.gap_cells(out.to_source, to_scratch);
  const GapCell* from_cells = from.gap_cells(out.from_source, from_scratch);

  // Both rating lists are in element order: walk the source alongside the target instead of
  // searching it. Equal elements often share one Element object (a pointer compare); where they
  // do not (profiles built apart, e.g. estimated occupations), equal ids are tested before the
  // ordering, which parses ids and is the slower test.
  // Per gap of out.gaps, in the same order: its gap in hundredths (the sort key, as computed
  // below) and its element (whose id and name are copied only for the gaps that are kept).
  struct Found {
    std::int64_t gap_h;
    std::uint32_t at;
    const Element* element;
  };
  std::vector<Found> found;
  // A domain has 33–35 elements (all three ~120): room for a domain's gaps up front, so the
  // (large) SkillGap records are not moved at every doubling.
  const std::size_t expect = std::min<std::size_t>(to.ratings.size(), 64);
  found.reserve(expect);
  out.gaps.reserve(expect);
  // Entries outside the domain are skipped by OccupationProfile::in_domain_at, without touching
  // the entries themselves where the profile has its domain codes. A source entry outside the
  // domain can never match a target (every target is in it), so the source walk steps over
  // those too.
  const std::size_t src_end = from.ratings.size();
  std::size_t src_i = 0;
  std::size_t to_est = 0, from_seen = 0, from_est = 0;
  // Uncertainties at 4 decimals (O*NET's Standard Error precision), intervals at 2 (the values').
  auto sd4 = [](std::int32_t e4) {
    return e4 == GapCell::kNone ? std::nullopt : std::optional(static_cast<double>(e4) / 10000.0);
  };
  auto at2 = [](std::int32_t h) { return h == GapCell::kNone ? std::nullopt : std::optional(static_cast<double>(h) / 100.0); };
  for (std::size_t ti = 0; ti < to.ratings.size(); ++ti) {
    if (!to.in_domain_at(ti, opts.domain)) continue;
    const GapCell& target = to_cells[ti];
    if (!target.has_level()) continue;
    const bool not_relevant = target.not_relevant;
    if (not_relevant && !opts.include_not_relevant) continue;
    ++out.required;
    const bool to_is_estimate = target.estimated;
    to_est += to_is_estimate ? 1 : 0;

    const std::int64_t to_h = target.level_h;
    auto same = [&target](const GapCell& c) { return c.element == target.element || c.element->id == target.element->id; };
    while (src_i < src_end) {
      if (!from.in_domain_at(src_i, opts.domain)) {
        ++src_i;
        continue;
      }
      const GapCell& c = from_cells[src_i];
      if (same(c) || !element_id_less(c.element->id, target.element->id)) break;
      ++src_i;
    }
    const GapCell* src = nullptr;
    if (src_i < src_end && same(from_cells[src_i]))
      src = &from_cells[src_i++];  // one entry per element: the next target is past it
    std::optional<std::int64_t> from_h;
    bool from_is_estimate = false;
    if (src && src->has_level()) {
      from_h = src->level_h;
      from_is_estimate = src->estimated;
      ++from_seen;
      from_est += from_is_estimate ? 1 : 0;
    }
    const std::int64_t gap_h = to_h - from_h.value_or(0);
    if (gap_h <= 0 || gap_h < min_gap) continue;

    const std::int32_t im = target.importance_h;
    std::optional<std::int64_t> im_h = im == GapCell::kNone ? std::nullopt : std::optional<std::int64_t>(im);
    if (filter_im && (!im_h || *im_h < min_im)) continue;

    SkillGap g;  // id and name are copied below, for the gaps that are kept
    g.from_value = static_cast<double>(from_h.value_or(0)) / 100.0;
    g.to_value = static_cast<double>(to_h) / 100.0;
    g.gap = static_cast<double>(gap_h) / 100.0;
    if (im_h) g.importance = static_cast<double>(*im_h) / 100.0;
    g.from_missing = !from_h;
    g.not_relevant = not_relevant;
    g.estimated = to_is_estimate || from_is_estimate;
    g.from_source = out.from_source;
    g.to_source = out.to_source;
    g.from_estimated = from_is_estimate;
    g.to_estimated = to_is_estimate;
    g.to_sd = sd4(target.sd_e4);
    if (out.to_source == ValueSource::Estimate) {
      g.to_lower = at2(target.lower_h);
      g.to_upper = at2(target.upper_h);
    }
    if (from_h) {
      g.from_sd = sd4(src->sd_e4);
      if (out.from_source == ValueSource::Estimate) {
        g.from_lower = at2(src->lower_h);
        g.from_upper = at2(src->upper_h);
      }
    }
    if (g.from_sd && g.to_sd) {
      // 95 % two-sided test of the difference of two independent values.
      const double se = std::sqrt(*g.from_sd * *g.from_sd + *g.to_sd * *g.to_sd);
      g.significant = se > 0 ? g.gap > 1.959963984540054 * se : true;
    }
    if (opts.significant_only && g.significant != true) continue;
    found.push_back({gap_h, static_cast<std::uint32_t>(out.gaps.size()), target.element});
    out.gaps.push_back(std::move(g));
  }

  out.to_estimated = out.required > 0 && to_est == out.required;
  out.from_estimated = from_seen > 0 && from_est == from_seen;

  // Largest gap first, equal gaps in element order: the gaps were collected walking the target's
  // ratings, which are in element order (OccupationProfile::ratings), so a stable sort on the gap
  // alone gives that order without comparing ids (element_id_less parses them: it was a third of
  // this function's cost). Compare hundredths (exact integers), not the doubles derived from them.
  // The small records are sorted, not the gaps; only the kept gaps get their id and name strings.
  std::stable_sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.gap_h > b.gap_h; });
  // The gaps are put in that order in place, one cycle of the permutation at a time (gap i
  // becomes the one collected at found[i].at), instead of being moved into a second vector: one
  // allocation of a domain's worth of records less per answer.
  constexpr std::uint32_t kPlaced = std::numeric_limits<std::uint32_t>::max();
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (found[i].at == kPlaced || found[i].at == i) {
      found[i].at = kPlaced;
      continue;
    }
    SkillGap first = std::move(out.gaps[i]);
    std::size_t j = i;
    for (;;) {
      const std::size_t k = found[j].at;
      found[j].at = kPlaced;
      if (k == i) {
        out.gaps[j] = std::move(first);
        break;
      }
      out.gaps[j] = std::move(out.gaps[k]);
      j = k;
    }
  }
  const std::size_t keep = opts.limit > 0 ? std::min(opts.limit, found.size()) : found.size();
  out.gaps.erase(out.gaps.begin() + static_cast<std::ptrdiff_t>(keep), out.gaps.end());
  for (std::size_t i = 0; i < keep; ++i) {
    SkillGap& g = out.gaps[i];
    g.element_id = found[i].element->id;
    g.element_name = found[i].element->name;
    g.element = found[i].element;
  }
  return out;
}

}  // namespace gap
