#pragma once
// The JSON text of the explanation parts a /skill-gap answer lists (api/explain_json.cpp puts
// them in place). Written once per snapshot by Explanations' constructor into the parts' `json`
// members: the descriptions are the longest strings of an answer, and escaping them again for
// every request was most of its cost.
#include <cstddef>
#include <optional>
#include <string>

#include "nodes/gap/explain.hpp"

namespace gap {

// At most this many technology gaps are listed (technology_gap_count gives them all), each with
// at most this many of the target's examples (example_count gives them all).
inline constexpr std::size_t kTechnologyGapLimit = 10;
inline constexpr std::size_t kExamplesPerTechnology = 10;

// {"value":4,"description":"..."}
std::string anchor_json(const Anchor& a);
// {"commodity_code":...,"commodity_title":...,"hot_technology":...,"in_demand":...,
//  "example_count":N,"examples":[{"name":...,"hot_technology":...,"in_demand":...}, ...]}
// with at most kExamplesPerTechnology examples.
std::string technology_json(const TechnologyCommodity& c);
// {"job_zone":3,"name":...,"education":...,"experience":...,"job_training":...,"svp_range":...}
std::string job_zone_json(const JobZone& z);
// {"category":6,"description":"Bachelor's Degree","percent":41.5} or null.
std::string education_json(const std::optional<EducationLevel>& top);

}  // namespace gap
