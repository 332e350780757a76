#pragma once
// The explanation fields of the answers (nodes/gap/explain.hpp says where they come from):
//   /skill-gap, per gap:      domain, from_anchor, to_anchor
//   /skill-gap, per answer:   technology_gap_count, technology_gaps, job_zone, education
//   /occupations/{code}:      tasks, technology_skills, job_zone_reference, education
// The /skill-gap parts are written as text straight into the answer (its writer is the hot
// path, see envelope.hpp); the occupation's as JSON values.
#include <cstddef>
#include <string>

#include "api/envelope.hpp"
#include "common/json_text.hpp"
#include "nodes/gap/explain.hpp"
#include "nodes/gap/explain_json.hpp"

namespace gap {
class GapResultBatch;
struct SkillGap;
}  // namespace gap

namespace api {

// The limits on technology gaps and their examples: nodes/gap/explain_json.hpp.
using gap::kExamplesPerTechnology;
using gap::kTechnologyGapLimit;

// Appends `,"domain":...,"from_anchor":...,"to_anchor":...` to a gap object.
void append_gap_explanation(common::JsonText& out, const gap::GapResultBatch& r, const gap::SkillGap& g);

// Appends `,"technology_gap_count":N,"technology_gaps":[...],"job_zone":{...},"education":{...}`
// to the result object.
void append_result_explanation(common::JsonText& out, const gap::GapResultBatch& r);

// Adds tasks, technology_skills, job_zone_reference (the Job Zone Reference row of its zone) and
// education of `code` to an occupation's result.
void add_occupation_explanation(json& result, const gap::Explanations& e, const std::string& code);

}  // namespace api
