#pragma once
// An occupation as the gap computation sees it: its identity and, per content element, the
// Level (LV) and Importance (IM) ratings with every value source the store keeps.
// Profiles are immutable once built and shared by pointer between the cache and requests.
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gap {

// Which value a rating is read from: occupation_ratings.data_value (O*NET's own), the text
// estimate (occupation_estimates, nodes/estimate), llm_value or refined_value. `auto` is only a
// request option, resolved per side (side_source in skill_gap.hpp).
enum class ValueSource { Onet, Estimate, Llm, Refined };
std::string_view to_string(ValueSource s);
std::optional<ValueSource> parse_value_source(std::string_view s);  // "onet" | "estimate" | "llm" | "refined"

// `All` is a request option only: skills, knowledge and abilities together.
enum class Domain { Skills, Knowledge, Abilities, All };
std::string_view to_string(Domain d);                    // "skills" | "knowledge" | "abilities" | "all"
std::optional<Domain> parse_domain(std::string_view s);  // "skills" | "knowledge" | "abilities" | "all"

// A content element (row of content_elements). Shared by every profile that rates it.
struct Element {
  std::string id;      // "2.B.3.e"
  std::string name;    // "Programming"
  std::string domain;  // "skills" | "knowledge" | "abilities" | "other" | "" (unknown)
  // `"element_id":"2.B.3.e","element_name":"Programming"` as a /skill-gap gap row starts, written
  // once by make_element (an answer lists ~16 gaps, and escaping the two strings again for each
  // was a twentieth of the answer's cost). Empty for an element made otherwise: the writer then
  // escapes them per answer.
  std::string json;
};
using ElementPtr = std::shared_ptr<const Element>;
// An element with its `json` written.
ElementPtr make_element(std::string id, std::string name, std::string domain);

// The domain an element belongs to: its stored domain when known, else O*NET's id scheme
// (2.A / 2.B skills, 2.C knowledge, 1.A abilities). nullopt for anything else (work styles...).
std::optional<Domain> domain_of(const Element& e);
// True when the element is in `d` (for `All`: in any of skills, knowledge, abilities).
bool in_domain(const Element& e, Domain d);
// domain_of in one byte (0: none, else 1 + the Domain), and in_domain on that byte.
std::uint8_t domain_code(const Element& e);
inline bool in_domain_code(std::uint8_t code, Domain d) {
  return code != 0 && (d == Domain::All || code == static_cast<std::uint8_t>(d) + 1);
}

// One occupation_ratings row (one scale of one element).
struct ScaleValue {
  std::optional<double> data_value;      // O*NET's own value (NULL for LLM-only rows)
  std::optional<double> llm_value;       // calibrated LLM estimate
  std::optional<double> refined_value;   // blend of both, or the LLM value alone
  char not_relevant = 0;                 // 'Y' | 'N' | 0 when n/a
  std::string value_source;              // 'file' | 'onet_api' | 'llm' ('' for an estimate-only row)
  std::optional<double> standard_error;  // O*NET's Standard Error of data_value (n/a -> nullopt)
  // The text estimate (text_estimate node): value, standard deviation, interval. For an
  // occupation O*NET rates it is the leave-one-out estimate, never a replacement of data_value.
  std::optional<double> estimate, estimate_sd, estimate_lower, estimate_upper;

  // The value under `s`: Onet -> data_value; Estimate -> estimate; Llm -> llm_value;
  // Refined -> refined_value, falling back to data_value where enrichment produced nothing.
  std::optional<double> get(ValueSource s) const;
  // True when the value under `s` has no O*NET measurement behind it: a text or LLM estimate,
  // or a refined value on a row O*NET never rated (an LLM-only occupation). A blend is not.
  bool estimated(ValueSource s) const;
  // The standard deviation of the value under `s`: O*NET's Standard Error for its own value,
  // the estimate's sd for a text estimate; nullopt when unknown (LLM and refined values).
  std::optional<double> uncertainty(ValueSource s) const;
};

struct ElementRating {
  ElementPtr element;
  std::optional<ScaleValue> level;       // LV row
  std::optional<ScaleValue> importance;  // IM row
};

// The importance (IM) a gap reports for a target element read under source `s`: O*NET's where
// it rated the element, else the text estimate (under Estimate), the refined or the LLM value,
// in that order. Shared by compute_gap and the transitions ranking, which weights gaps by it.
std::optional<double> importance_of(const ElementRating& r, ValueSource s);

// What the gap computation reads of one ElementRating under one value source, already rounded
// as the answer gives it: 32 bytes where the entry is some 370. A /skill-gap answer walks two
// random profiles of the ~880 (39 MB of entries, far more than the caches hold), and reading the
// few fields it needs from each entry's own cache lines was a third of its cost (issue 10 §8):
// finalize() writes these once per profile and source, each source's cells side by side, so an
// answer reads one side's domain from ~1 KB.
struct GapCell {
  static constexpr std::int32_t kNone = INT32_MIN;  // no value
  const Element* element = nullptr;
  std::int32_t level_h = kNone;                   // hundredths(level->get(s))
  std::int32_t importance_h = kNone;              // hundredths(importance_of(entry, s))
  std::int32_t sd_e4 = kNone;                     // round(level->uncertainty(s) * 10^4): O*NET's 4 decimals
  std::int32_t lower_h = kNone, upper_h = kNone;  // the text estimate's interval, hundredths (any source)
  bool estimated = false;                         // level->estimated(s)
  bool not_relevant = false;                      // level->not_relevant == 'Y'
  bool llm_level = false;                         // the LV row has an LLM or a refined value

  bool has_level() const { return level_h != kNone; }
};
// The cell of one entry under `s`. Values are rounded with hundredths() (and sds to 4 decimals)
// into 32-bit integers: rating scales span a few units, so nothing a store holds comes near
// their range.
GapCell make_gap_cell(const ElementRating& r, ValueSource s);
// Every ValueSource, in enum order (the index of each one's cells and mask bit).
inline constexpr ValueSource kValueSources[] = {ValueSource::Onet, ValueSource::Estimate, ValueSource::Llm, ValueSource::Refined};
inline constexpr std::size_t kValueSourceCount = std::size(kValueSources);

// A rated occupation whose O*NET values a text estimate came from (estimate_neighbours).
struct EstimateNeighbour {
  std::string code;
  std::string title;
  double similarity = 0;  // cosine of the text profiles, 0..1
};

struct OccupationProfile {
  std::string code;  // "15-1252.00"
  std::string title;
  std::string description;
  std::string source = "file";  // occupations.source: 'file' | 'onet_api'
  int job_zone = 0;             // Job Zones (1-5); 0 when O*NET gives none
  // Sorted by element id in O*NET order (see element_id_less), one entry per element.
  std::vector<ElementRating> ratings;
  // The rated occupations its text estimates came from, most similar first (empty: none).
  std::vector<EstimateNeighbour> neighbours;

  const ElementRating* find(std::string_view element_id) const;
  // True when at least one LV row of the domain has a value under `s` (or any source when nullopt).
  bool has_level_ratings(Domain d, std::optional<ValueSource> s = std::nullopt) const;
  // True when any row carries an LLM or refined value (enrichment ran for this occupation).
  // Known after finalize().
  bool has_llm_values() const { return has_llm_; }
  // in_domain for entry i of `ratings`. From the entry's one-byte domain code when finalize()
  // wrote them (see in_domain_code), so a walk over one domain skips the other entries without
  // touching them: an entry is some 370 bytes, and a /skill-gap answer walks two profiles of
  // about 120 (issue 10 §8). Without codes (never finalized, or `ratings` resized since), from
  // the entry's element.
  bool in_domain_at(std::size_t i, Domain d) const {
    return has_domain_codes() ? in_domain_code(domain_codes_[i], d) : in_domain(*ratings[i].element, d);
  }
  // True when finalize() wrote the domain codes and `ratings` kept its size since.
  bool has_domain_codes() const { return domain_codes_.size() == ratings.size(); }
  // The gap cells of `ratings` under `s`, entry for entry: finalize()'s, or (never finalized, or
  // `ratings` resized since) made now into `scratch`.
  const GapCell* gap_cells(ValueSource s, std::vector<GapCell>& scratch) const;
  // What the domain's LV rows hold, from the cells: bit s (a ValueSource) when some row has a
  // value under s, kLlmLevel when some row has an LLM or refined value. Written by finalize()
  // for each Domain, so side_source and has_level_ratings need not walk the entries per answer.
  static constexpr std::uint8_t kLlmLevel = 1U << 4;
  static constexpr std::uint8_t level_bit(ValueSource s) { return static_cast<std::uint8_t>(1U << static_cast<int>(s)); }
  std::uint8_t level_mask(Domain d) const;
  // Sorts `ratings`, merges duplicate elements and notes what the profile holds; call once
  // after filling (and again after changing `ratings`).
  void finalize();

 private:
  bool has_llm_ = false;
  std::vector<std::uint8_t> domain_codes_;
  std::vector<GapCell> cells_;        // by source, then entry (a block per kValueSources); written with domain_codes_
  std::uint8_t level_masks_[4] = {};  // level_mask by Domain, valid with cells_
  // True when finalize() wrote the cells and masks and `ratings` kept its size since.
  bool cells_current() const { return cells_.size() == ratings.size() * kValueSourceCount && has_domain_codes(); }
};
using ProfilePtr = std::shared_ptr<const OccupationProfile>;

// O*NET element order: dot-separated segments, numeric segments compared as numbers
// ("2.C.2" < "2.C.10"), others as text ("2.B.3.e" < "2.B.3.k").
bool element_id_less(std::string_view a, std::string_view b);

// A value at O*NET's published precision, in hundredths, rounded half away from zero on the
// decimal value (4.125 -> 413 although 4.125 is stored slightly below in binary).
std::int64_t hundredths(double v);

}  // namespace gap
