#pragma once
// The skill-gap computation: a pure function of two profiles and the options. This is the one
// place where what counts as a gap is written down; the API and the nodes only carry it.
//
//   required  = the target's LV rows of the chosen domain that have a value under the chosen
//               source and whose Not Relevant flag is not 'Y' (unless include_not_relevant)
//   gap       = the source has no LV value for the element (from = 0), or its value is below
//               the target's, both compared in hundredths (O*NET's 2-decimal precision);
//               equal is not a gap
//   filters   = gap >= min_gap; target importance (IM) >= min_importance when given
//   order     = largest gap first, then element id in O*NET order
//   source    = per side (side_source): the requested one; under auto O*NET's value where O*NET
//               rates that occupation in the domain, else the refined blend where enrichment
//               produced one, else the text estimate
//   significant = |to - from| > 1.96 sqrt(sd_from^2 + sd_to^2): more than the two values' own
//               uncertainty explains at 95 % (O*NET's Standard Error for its values, the sd for
//               estimates); unknown (nullopt) when either uncertainty is missing
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nodes/gap/profile.hpp"

namespace gap {

struct GapOptions {
  double min_gap = 0;                    // >= 0
  std::optional<double> min_importance;  // target IM at least this
  bool include_not_relevant = false;
  std::optional<ValueSource> source;  // nullopt = auto
  Domain domain = Domain::Skills;
  bool significant_only = false;  // keep only gaps whose `significant` is true
  std::size_t limit = 0;          // keep only the first `limit` gaps of the order (0 = all);
                                  // `required` and the estimated flags still count every element
};

struct SkillGap {
  std::string element_id;
  std::string element_name;
  // The element itself, set by compute_gap: it lives in the target's profile, which the answer
  // holds, so the writer reads its domain without looking the id up again.
  const Element* element = nullptr;
  std::string scale_id = "LV";
  double from_value = 0;  // at 2 decimals; 0 when the source lacks the element
  double to_value = 0;
  double gap = 0;                    // to_value - from_value, at 2 decimals
  std::optional<double> importance;  // target's IM, at 2 decimals
  bool from_missing = false;         // the source has no LV value for the element
  bool not_relevant = false;         // target flagged the element Not Relevant (only with include_not_relevant)
  bool estimated = false;            // either value is a model estimate (ScaleValue::estimated)
  ValueSource from_source = ValueSource::Onet, to_source = ValueSource::Onet;  // where each value came from
  bool from_estimated = false, to_estimated = false;
  std::optional<double> from_sd, to_sd;                              // each value's uncertainty (ScaleValue::uncertainty)
  std::optional<double> from_lower, from_upper, to_lower, to_upper;  // an estimate's interval
  std::optional<bool> significant;
};

struct GapResult {
  ValueSource source = ValueSource::Onet;  // the target side's source (= from_source when they agree)
  ValueSource from_source = ValueSource::Onet, to_source = ValueSource::Onet;
  std::size_t required = 0;  // target elements compared (after the relevance rule)
  // Every compared value of that side is a model estimate (e.g. an occupation O*NET never
  // rated, served from calibrated LLM levels). Judged on the target's required elements and
  // the source's values for them.
  bool from_estimated = false;
  bool to_estimated = false;
  std::vector<SkillGap> gaps;
};

// The source one side's values are read from (see the header comment).
ValueSource side_source(const OccupationProfile& p, Domain d, std::optional<ValueSource> requested);
// True when the profile has values of the domain under some source (else: no ratings at all).
bool has_values(const OccupationProfile& p, Domain d);
// importance_of (the IM a gap reports): nodes/gap/profile.hpp.

GapResult compute_gap(const OccupationProfile& from, const OccupationProfile& to, const GapOptions& opts);

}  // namespace gap
