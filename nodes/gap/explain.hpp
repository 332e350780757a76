#pragma once
// What a gap means in words: the descriptive O*NET tables the API serves next to the numbers.
//   Level Scale Anchors       what a level of an element means at a few points of its LV scale
//   Technology Skills         the technologies (by UNSPSC commodity) each occupation uses
//   Job Zones (+ Reference)   the preparation an occupation takes, in five zones
//   Education, Training, and Experience (RL)   how much education its workers report
// `Explanations` holds them for every occupation, immutable, next to the profiles in a Snapshot;
// the functions below are the pure rules the answers are built with (unit-tested alone).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "nodes/gap/code_map.hpp"
#include "nodes/gap/profile.hpp"
#include "nodes/gap/skill_gap.hpp"

namespace gap {

// ---- level anchors ----------------------------------------------------------------------------

struct Anchor {
  double value = 0;  // on the LV scale, e.g. 2, 4, 6
  std::string description;
  std::string json;  // {"value":...,"description":...}, written once by Explanations' constructor
};

// Where a value sits among an element's anchors (sorted by value): the anchor at or below it
// and the next one above. Compared at O*NET's 2-decimal precision (hundredths), so 4.00 is "at"
// the anchor 4. Below the lowest anchor `at_or_below` is null; at or above the highest `above`
// is null.
struct AnchorBracket {
  const Anchor* at_or_below = nullptr;
  const Anchor* above = nullptr;
};
AnchorBracket bracket(const std::vector<Anchor>& anchors, double value);

// ---- technology skills ------------------------------------------------------------------------

struct TechnologyExample {
  std::string name;        // "Python"
  bool hot = false;        // Hot Technology
  bool in_demand = false;  // In Demand
};

// One commodity (UNSPSC code) of one occupation with that occupation's examples in it.
struct TechnologyCommodity {
  std::int64_t code = 0;                    // 43232402
  std::string title;                        // "Program development software"
  std::vector<TechnologyExample> examples;  // hot first, then in demand, then by name
  std::string json;                         // as an answer lists it (explain_json.hpp), written once by Explanations
  bool hot() const;                         // any example is a Hot Technology
  bool in_demand() const;                   // any example is In Demand
};

// The order technologies are shown in: Hot Technology first, then In Demand (so hot and in
// demand, hot, in demand, neither), then more examples first, then commodity code.
bool technology_rank_less(const TechnologyCommodity& a, const TechnologyCommodity& b);

// The commodities `to` lists that `from` does not (compared by commodity code), in rank order.
// Both lists sorted by commodity code.
std::vector<const TechnologyCommodity*> technology_gaps(const std::vector<TechnologyCommodity>& from,
                                                        const std::vector<TechnologyCommodity>& to);

struct OccupationExplanation;
// The same list for two occupations of one Explanations (either may be null: no technology),
// walking the target's rank order (OccupationExplanation::technology_by_rank) and searching the
// source's codes, so nothing is sorted per answer. An occupation not passed through Explanations
// (no rank order) falls back to the function above.
std::vector<const TechnologyCommodity*> technology_gaps(const OccupationExplanation* from, const OccupationExplanation* to);

// Sorts examples hot first, then in demand, then by name: the order they are stored in.
void sort_examples(std::vector<TechnologyExample>& examples);

// ---- job zones and education ------------------------------------------------------------------

struct JobZone {
  int zone = 0;  // 1..5
  std::string name, experience, education, job_training, examples, svp_range;
  std::string json;  // as /skill-gap's job_zone.from/to shows it, written once by Explanations
};

// One category of the Required Level of Education (2.D.1, scale RL) and the percent of an
// occupation's respondents who chose it.
struct EducationLevel {
  int category = 0;
  std::string description;  // "Bachelor's Degree"
  double percent = 0;
};

// The category with the largest share; on equal shares (compared in hundredths) the lower
// category. nullopt for an empty distribution.
std::optional<EducationLevel> most_common_education(const std::vector<EducationLevel>& distribution);

// ---- tasks ------------------------------------------------------------------------------------

struct TaskStatement {
  std::int64_t id = 0;
  std::string text;
  std::string type;  // "Core" | "Supplemental" | "" (n/a)
};

// Core tasks first, then supplemental, then those without a type; by task id within each.
bool task_order_less(const TaskStatement& a, const TaskStatement& b);

// ---- everything for one dataset ---------------------------------------------------------------

struct OccupationExplanation {
  std::optional<int> job_zone;
  std::vector<EducationLevel> education;        // RL distribution, by category
  std::vector<TechnologyCommodity> technology;  // by commodity code
  // Indices into `technology` in technology_rank_less order, written once by Explanations so
  // that an answer's technology gaps come out ranked without a sort per answer.
  std::vector<std::uint32_t> technology_by_rank;
  std::vector<std::int64_t> technology_codes;  // `technology`'s codes, in its order: searched compactly
  std::vector<TaskStatement> tasks;            // in task_order_less order
  std::string education_json;                  // the most common level as /skill-gap shows it, or null
};

class Explanations {
 public:
  struct Data {
    std::int64_t load_run_id = 0;                                  // the load run the tables were read from
    std::unordered_map<std::string, std::vector<Anchor>> anchors;  // element id -> LV anchors by value
    std::unordered_map<std::string, OccupationExplanation> occupations;
    std::vector<JobZone> job_zones;  // by zone
  };
  Explanations() = default;
  // Sorts what needs sorting (anchors by value, technology by code, examples, tasks, zones) and
  // writes each part's JSON once (the `json` members): every /skill-gap answer of the snapshot
  // copies those bytes instead of escaping the same descriptions again (issue 10 §8).
  explicit Explanations(Data d);
  // occupation_index_ points into d_.occupations: a copy would point into the original's.
  Explanations(const Explanations&) = delete;
  Explanations& operator=(const Explanations&) = delete;

  std::int64_t load_run_id() const { return d_.load_run_id; }
  // An element's LV anchors, by value; null when it has none.
  const std::vector<Anchor>* anchors(std::string_view element_id) const;
  // Null for an occupation none of the tables mention.
  const OccupationExplanation* occupation(const std::string& code) const;
  const JobZone* job_zone(int zone) const;
  std::size_t anchored_elements() const { return d_.anchors.size(); }
  std::size_t occupations() const { return d_.occupations.size(); }

 private:
  Data d_;
  CodeMap<const OccupationExplanation*> occupation_index_;  // d_.occupations by code (code_map.hpp)
};
using ExplanationsPtr = std::shared_ptr<const Explanations>;

// ---- the additions to one gap answer ----------------------------------------------------------

// The domains the comparison actually covered, as a noun for messages: "skill", "knowledge",
// "skill and knowledge", "skill, knowledge and ability" — for `All`, the domains of the target's
// required elements (as compute_gap counts them under `source`).
std::string compared_domains_noun(const OccupationProfile& to, const GapOptions& opts, ValueSource source);

struct JobZoneStep {
  const JobZone* from = nullptr;  // null when the occupation has no job zone (or it is unknown)
  const JobZone* to = nullptr;
  std::optional<int> step;  // to - from, when both are known
};
JobZoneStep job_zone_step(const Explanations& e, const std::string& from_code, const std::string& to_code);
// The same for occupations already looked up (either may be null).
JobZoneStep job_zone_step(const Explanations& e, const OccupationExplanation* from, const OccupationExplanation* to);

// "+2", "0", "-1".
std::string signed_step(int step);

}  // namespace gap
