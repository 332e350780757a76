#pragma once
// Career transitions: where someone in one occupation can move. The one ranking function, used
// by GET /transitions and by the batch pipeline (pipelines/transitions.yaml) alike.
//
// For a source occupation s and every other occupation t of the snapshot (rated or estimated):
//
//   similarity  S = (T + R) / 2        T = text similarity, R = rating-profile similarity, both
//                                      0..1 (similarity_view.hpp): how related the work is
//   learning    L = 1 / (1 + W / 2)    W = importance-weighted gap = sum over the gaps of
//                                      compute_gap(s, t) of gap x IM / 5, in LV points at 2
//                                      decimals: how much must be learned, weighted by how much
//                                      it matters to the target; L = 1 with nothing to learn,
//                                      1/2 at W = 2 (about one important skill two levels short)
//   job zone    Z = exp(-(0.15 |dz| + 0.35 max(0, |dz| - 1)))   dz = zone(t) - zone(s)
//                                      (1, 0.86, 0.52, 0.32, 0.19 for |dz| = 0..4) under
//                                      job_zone=any and within1; Z = 1 when the request asked
//                                      for a direction (same, up, down) or a zone is unknown
//   score       = S x L x Z
//
// Best first; equal scores by target code. Filters: job_zone (same: dz = 0, up: dz > 0, down:
// dz < 0, within1: |dz| <= 1; an occupation without a job zone passes only `any`),
// max_weighted_gap (W <= it), exclude_group (not the source's SOC minor group XX-X000, the
// code's first three digits: 29-1xxx for Registered Nurses), and the target must have values under the requested source in every
// requested domain (as /skill-gap would otherwise answer no_ratings).
//
// Asymmetric by construction: S and Z are symmetric but W is not (moving up from Registered
// Nurses to Nurse Practitioners means learning what moving down the other way does not), so
// s -> t can rank high while t -> s ranks low.
//
// The gap behind each answer is compute_gap itself: the ranking reads the snapshot's dense
// levels (the same rules, precomputed), then compute_gap is called for the returned targets
// only, for their top gaps — equal to what /skill-gap returns for that pair.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodes/gap/profile.hpp"
#include "nodes/gap/similarity_view.hpp"
#include "nodes/gap/skill_gap.hpp"

namespace gap {

enum class TransitionDomain { Skills, Knowledge, All };
std::string_view to_string(TransitionDomain d);
std::optional<TransitionDomain> parse_transition_domain(std::string_view s);  // skills | knowledge | all
std::vector<Domain> domains_of(TransitionDomain d);                           // All -> skills, knowledge

enum class JobZoneRule { Any, Same, Up, Down, Within1 };
std::string_view to_string(JobZoneRule r);
std::optional<JobZoneRule> parse_job_zone_rule(std::string_view s);  // any | same | up | down | within1

struct TransitionOptions {
  std::size_t limit = 10;  // 1..100
  TransitionDomain domain = TransitionDomain::Skills;
  JobZoneRule job_zone = JobZoneRule::Any;
  std::optional<double> max_weighted_gap;
  bool exclude_group = false;
  std::optional<ValueSource> source;  // nullopt = auto, per side (side_source)
};

// The score and its parts (the formula above).
struct TransitionScore {
  double score = 0;
  double similarity = 0;  // S
  double learning = 0;    // L
  double job_zone = 1;    // Z
};
// The formula, written once. `weighted_gap` W in LV points; `zone_step` dz (nullopt: a zone unknown).
TransitionScore transition_score(double text_similarity, double rating_similarity, double weighted_gap,
                                 std::optional<int> zone_step, JobZoneRule rule);

struct TransitionGap {
  Domain domain = Domain::Skills;
  SkillGap gap;
};

struct Transition {
  ProfilePtr to;
  TransitionScore score;
  double text_similarity = 0, rating_similarity = 0;
  int from_zone = 0, to_zone = 0;  // 0 = unknown
  std::optional<int> zone_step;
  std::size_t gap_count = 0;
  double weighted_gap = 0;              // W, at 2 decimals
  bool estimated = false;               // either side's compared values are estimates (GapResult's flags)
  std::vector<TransitionGap> top_gaps;  // the largest 3, in compute_gap's order (domains merged by it)
};

struct TransitionResult {
  ProfilePtr from;
  TransitionOptions options;
  std::size_t candidates = 0;  // targets that passed the filters (the list is the best `limit` of them)
  std::vector<Transition> transitions;
};

inline constexpr std::size_t kTopGaps = 3;

// Throws UnknownOccupation when `from_code` is not in the view, NoRatings when it has no values
// under the requested source in a requested domain (errors.hpp).
TransitionResult rank_transitions(const SimilarityView& view, const std::string& from_code, const TransitionOptions& opts);

// The SOC minor group of an O*NET-SOC code, as its first three digits: "29-1141.00" -> "29-1" (29-1000).
std::string_view soc_minor_group(std::string_view code);

}  // namespace gap
