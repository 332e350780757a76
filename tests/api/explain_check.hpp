#pragma once
// The explanation fields of /skill-gap and /occupations/{code} answers (api/explain_json.hpp),
// checked value by value against the same facts queried directly in SQL. Shared by the fixture,
// real-data and MariaDB tests; reports through Catch2's CHECKs.
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace apitest {

struct ExplainCounts {
  std::size_t gaps = 0;
  std::size_t anchored = 0;         // gaps whose element has LV anchors (from_anchor/to_anchor not null)
  std::size_t technology_gaps = 0;  // technology_gap_count
};

// `answer`: a 200 /skill-gap envelope. Checks every gap's domain and anchors, the technology
// gaps (count, order, flags, examples), the job zones with their step and the most common
// education of both sides.
ExplainCounts check_skill_gap_explanations(const std::string& db_url, const nlohmann::json& answer);

// `answer`: a 200 /occupations/{code} envelope. Checks tasks (core first), technology skills
// (hot first), the job zone and the education distribution.
void check_occupation_explanations(const std::string& db_url, const nlohmann::json& answer);

}  // namespace apitest
