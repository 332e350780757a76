#pragma once
// The descriptive text of every occupation as the load stored it (occupations, task_statements,
// alternate_titles, reported_titles) and the text-profile field weights the load's text_estimate
// node used (load_runs.estimate_summary "weights"). Read with the profiles, in the same read
// transaction, so the transitions ranking rebuilds exactly the estimate's text index
// (nodes/gap/similarity_view.hpp) from the dataset it serves.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "nodes/estimate/profile_text.hpp"
#include "nodes/onet/batches.hpp"

namespace soci {
class session;
}

namespace gap {

struct OccupationTexts {
  // One batch holding the rows of the four tables (occupations, tasks, alternate_titles,
  // reported_titles), in key order, as estimate::build_text_profiles takes them.
  std::shared_ptr<const onet::TableBatch> tables;
  // The load run's weights; nodes/estimate's defaults (FieldWeights{}) when the run recorded none.
  estimate::FieldWeights weights;
  bool weights_from_run = false;
};

// Reads them for `load_run_id` (its estimate_summary). Tables a database loaded by an older
// dagrun lacks are read as empty. Throws what SOCI throws.
OccupationTexts read_occupation_texts(soci::session& s, std::int64_t load_run_id);

// The weights in an estimate_summary JSON text (keys title, description, core_task,
// supplemental_task, alternate_title, reported_title; a missing key keeps its default).
// nullopt when the text is empty, not JSON or has no "weights" object.
std::optional<estimate::FieldWeights> weights_from_summary(const std::string& summary_json);

}  // namespace gap
