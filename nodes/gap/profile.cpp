#include "nodes/gap/profile.hpp"

#include "common/json_text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace gap {

std::string_view to_string(ValueSource s) {
  switch (s) {
    case ValueSource::Onet:
      return "onet";
    case ValueSource::Estimate:
      return "estimate";
    case ValueSource::Llm:
      return "llm";
    case ValueSource::Refined:
      return "refined";
  }
  return "onet";
}

std::optional<ValueSource> parse_value_source(std::string_view s) {
  if (s == "onet") return ValueSource::Onet;
  if (s == "estimate") return ValueSource::Estimate;
  if (s == "llm") return ValueSource::Llm;
  if (s == "refined") return ValueSource::Refined;
  return std::nullopt;
}

std::string_view to_string(Domain d) {
  switch (d) {
    case Domain::Skills:
      return "skills";
    case Domain::Knowledge:
      return "knowledge";
    case Domain::Abilities:
      return "abilities";
    case Domain::All:
      return "all";
  }
  return "skills";
}

std::optional<Domain> parse_domain(std::string_view s) {
  for (Domain d : {Domain::Skills, Domain::Knowledge, Domain::Abilities, Domain::All})
    if (s == to_string(d)) return d;
  return std::nullopt;
}

ElementPtr make_element(std::string id, std::string name, std::string domain) {
  Element e{std::move(id), std::move(name), std::move(domain), {}};
  e.json = "\"element_id\":";
  common::append_json_string(e.json, e.id);
  e.json += ",\"element_name\":";
  common::append_json_string(e.json, e.name);
  return std::make_shared<const Element>(std::move(e));
}

std::optional<Domain> domain_of(const Element& e) {
  // Compared as string_views: the length first, then the bytes (std::string == const char*
  // measures the literal and calls memcmp every time, and this runs for every element of every
  // profile a /skill-gap answer walks).
  using namespace std::string_view_literals;
  const std::string_view domain = e.domain;
  if (domain == "skills"sv) return Domain::Skills;
  if (domain == "knowledge"sv) return Domain::Knowledge;
  if (domain == "abilities"sv) return Domain::Abilities;
  if (!domain.empty()) return std::nullopt;
  std::string_view id = e.id;
  if (id.starts_with("2.A.") || id.starts_with("2.B.")) return Domain::Skills;
  if (id.starts_with("2.C.")) return Domain::Knowledge;
  if (id.starts_with("1.A.")) return Domain::Abilities;
  return std::nullopt;
}

std::uint8_t domain_code(const Element& e) {
  const auto d = domain_of(e);
  return d ? static_cast<std::uint8_t>(static_cast<std::uint8_t>(*d) + 1) : 0;
}

bool in_domain(const Element& e, Domain d) { return in_domain_code(domain_code(e), d); }

std::optional<double> ScaleValue::get(ValueSource s) const {
  switch (s) {
    case ValueSource::Onet:
      return data_value;
    case ValueSource::Estimate:
      return estimate;
    case ValueSource::Llm:
      return llm_value;
    case ValueSource::Refined:
      return refined_value ? refined_value : data_value;
  }
  return std::nullopt;
}

bool ScaleValue::estimated(ValueSource s) const {
  switch (s) {
    case ValueSource::Onet:
      return false;
    case ValueSource::Estimate:
      return estimate.has_value();
    case ValueSource::Llm:
      return llm_value.has_value();
    case ValueSource::Refined:
      return !data_value && (refined_value || llm_value);
  }
  return false;
}

std::optional<double> ScaleValue::uncertainty(ValueSource s) const {
  switch (s) {
    case ValueSource::Onet:
      return data_value ? standard_error : std::nullopt;
    case ValueSource::Estimate:
      return estimate ? estimate_sd : std::nullopt;
    case ValueSource::Refined:
      return refined_value ? std::nullopt : (data_value ? standard_error : std::nullopt);
    case ValueSource::Llm:
      return std::nullopt;
  }
  return std::nullopt;
}

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view next_segment(std::string_view& rest) {
  auto dot = rest.find('.');
  std::string_view seg = rest.substr(0, dot);
  rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
  return seg;
}

}  // namespace

bool element_id_less(std::string_view a, std::string_view b) {
  // Skip the common prefix up to the start of the first segment that differs: the segments
  // before it are equal, and most comparisons (the gap walk, lower_bound) differ only in the last
  // one or two characters. The rest is compared segment by segment.
  std::size_t i = 0;
  const std::size_t n = std::min(a.size(), b.size());
  while (i < n && a[i] == b[i]) ++i;
  if (i == a.size() && i == b.size()) return false;
  while (i > 0 && a[i - 1] != '.') --i;
  a.remove_prefix(i);
  b.remove_prefix(i);
  while (!a.empty() && !b.empty()) {
    auto sa = next_segment(a);
    auto sb = next_segment(b);
    if (sa == sb) continue;
    if (all_digits(sa) && all_digits(sb)) {
      // Compare by length first (no leading zeros in O*NET ids), then text: no overflow.
      std::string_view ta = sa.substr(std::min(sa.find_first_not_of('0'), sa.size()));
      std::string_view tb = sb.substr(std::min(sb.find_first_not_of('0'), sb.size()));
      if (ta.size() != tb.size()) return ta.size() < tb.size();
      if (ta != tb) return ta < tb;
      return sa < sb;
    }
    return sa < sb;
  }
  return a.empty() && !b.empty();
}

std::int64_t hundredths(double v) {
  // The nudge makes decimal halves (x.xx5 stored as x.xx4999...) round as written.
  double scaled = v * 100.0;
  const double x = scaled + (scaled >= 0 ? 1e-7 : -1e-7);
  // llround(x), inline: a /skill-gap answer rounds ~90 values here, and llround is a libm call
  // of ~45 instructions. Truncation to an integer and x minus it are both exact below 2^62, so
  // the halves go away from zero exactly as llround sends them (skill_gap_test compares the two).
  // Beyond that (and NaN), llround itself.
  if (!(std::fabs(x) < 4.6e18)) return std::llround(x);
  auto i = static_cast<std::int64_t>(x);
  const double frac = x - static_cast<double>(i);
  if (frac >= 0.5)
    ++i;
  else if (frac <= -0.5)
    --i;
  return i;
}

const ElementRating* OccupationProfile::find(std::string_view element_id) const {
  auto it = std::lower_bound(ratings.begin(), ratings.end(), element_id,
                             [](const ElementRating& r, std::string_view id) { return element_id_less(r.element->id, id); });
  if (it == ratings.end() || it->element->id != element_id) return nullptr;
  return &*it;
}

std::optional<double> importance_of(const ElementRating& r, ValueSource s) {
  if (!r.importance) return std::nullopt;
  const auto& im = *r.importance;
  if (im.data_value) return im.data_value;
  if (s == ValueSource::Estimate && im.estimate) return im.estimate;
  if (im.refined_value) return im.refined_value;
  if (im.llm_value) return im.llm_value;
  return im.estimate;
}

namespace {

std::int32_t to_i32(std::int64_t v) {
  return static_cast<std::int32_t>(std::clamp<std::int64_t>(v, GapCell::kNone + 1, std::numeric_limits<std::int32_t>::max()));
}
std::int32_t cell_h(const std::optional<double>& v) { return v ? to_i32(hundredths(*v)) : GapCell::kNone; }
std::int32_t cell_e4(const std::optional<double>& v) {
  if (!v) return GapCell::kNone;
  const double e4 = std::round(*v * 10000.0);
  return to_i32(std::isfinite(e4) && std::fabs(e4) < 4.6e18 ? static_cast<std::int64_t>(e4) : 0);
}

}  // namespace

GapCell make_gap_cell(const ElementRating& r, ValueSource s) {
  GapCell c;
  c.element = r.element.get();
  if (r.importance) c.importance_h = cell_h(importance_of(r, s));
  if (!r.level) return c;
  const ScaleValue& lv = *r.level;
  c.level_h = cell_h(lv.get(s));
  c.sd_e4 = cell_e4(lv.uncertainty(s));
  c.estimated = lv.estimated(s);
  c.lower_h = cell_h(lv.estimate_lower);
  c.upper_h = cell_h(lv.estimate_upper);
  c.not_relevant = lv.not_relevant == 'Y';
  c.llm_level = lv.llm_value.has_value() || lv.refined_value.has_value();
  return c;
}

namespace {

// Bit s: some LV row of the domain has a value under s; kLlmLevel: one has an LLM or refined value.
// cells[k]: the cells under kValueSources[k].
std::uint8_t level_mask_of(const OccupationProfile& p, Domain d, const GapCell* const (&cells)[kValueSourceCount]) {
  std::uint8_t mask = 0;
  for (std::size_t i = 0; i < p.ratings.size(); ++i) {
    if (!p.in_domain_at(i, d)) continue;
    for (std::size_t k = 0; k < kValueSourceCount; ++k)
      if (cells[k][i].has_level()) mask |= OccupationProfile::level_bit(kValueSources[k]);
    if (cells[0][i].llm_level) mask |= OccupationProfile::kLlmLevel;
  }
  return mask;
}

}  // namespace

const GapCell* OccupationProfile::gap_cells(ValueSource s, std::vector<GapCell>& scratch) const {
  if (cells_current()) return cells_.data() + static_cast<std::size_t>(s) * ratings.size();
  scratch.clear();
  scratch.reserve(ratings.size());
  for (const auto& r : ratings) scratch.push_back(make_gap_cell(r, s));
  return scratch.data();
}

std::uint8_t OccupationProfile::level_mask(Domain d) const {
  if (cells_current()) return level_masks_[static_cast<int>(d)];
  std::vector<GapCell> scratch[kValueSourceCount];
  const GapCell* cells[kValueSourceCount] = {};
  for (std::size_t k = 0; k < kValueSourceCount; ++k) cells[k] = gap_cells(kValueSources[k], scratch[k]);
  return level_mask_of(*this, d, cells);
}

bool OccupationProfile::has_level_ratings(Domain d, std::optional<ValueSource> s) const {
  const std::uint8_t mask = level_mask(d);
  return s ? (mask & level_bit(*s)) != 0 : (mask & ~kLlmLevel) != 0;  // any source's bit
}

void OccupationProfile::finalize() {
  // The repository calls this twice per profile (after reading it, and again once its estimates
  // are attached), the second time mostly on entries already in order and folded: the sort and
  // the fold run only when there is something to do (they were most of start-up's finalize cost).
  auto id_less = [](const ElementRating& x, const ElementRating& y) { return element_id_less(x.element->id, y.element->id); };
  if (!std::is_sorted(ratings.begin(), ratings.end(), id_less)) std::stable_sort(ratings.begin(), ratings.end(), id_less);
  auto same_id = [](const ElementRating& x, const ElementRating& y) { return x.element->id == y.element->id; };
  if (std::adjacent_find(ratings.begin(), ratings.end(), same_id) != ratings.end()) {
    // Rows of one element may arrive separately (IM and LV): fold them into one entry.
    std::vector<ElementRating> merged;
    merged.reserve(ratings.size());
    for (auto& r : ratings) {
      if (!merged.empty() && same_id(merged.back(), r)) {
        if (r.level) merged.back().level = std::move(r.level);
        if (r.importance) merged.back().importance = std::move(r.importance);
      } else {
        merged.push_back(std::move(r));
      }
    }
    ratings = std::move(merged);
  }
  domain_codes_.clear();
  domain_codes_.reserve(ratings.size());
  for (const auto& r : ratings) domain_codes_.push_back(domain_code(*r.element));
  cells_.clear();
  cells_.reserve(ratings.size() * kValueSourceCount);
  for (ValueSource s : kValueSources)
    for (const auto& r : ratings) cells_.push_back(make_gap_cell(r, s));
  const GapCell* by_source[kValueSourceCount] = {};
  for (std::size_t k = 0; k < kValueSourceCount; ++k) by_source[k] = cells_.data() + k * ratings.size();
  for (Domain d : {Domain::Skills, Domain::Knowledge, Domain::Abilities, Domain::All})
    level_masks_[static_cast<int>(d)] = level_mask_of(*this, d, by_source);
  has_llm_ = false;
  for (const auto& r : ratings) {
    for (const auto* v : {&r.level, &r.importance}) {
      if (*v && ((*v)->llm_value || (*v)->refined_value)) has_llm_ = true;
    }
  }
}

}  // namespace gap
