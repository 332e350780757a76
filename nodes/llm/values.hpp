#pragma once
// From the raw answers to the values written with the dataset: calibration on rated
// occupations, calibrated LLM value per (occupation, element), the refined blend on O*NET's
// rows, and LV rows of model estimates where O*NET has no row (value_source "llm").
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nodes/llm/calibration.hpp"
#include "nodes/llm/dataset.hpp"
#include "nodes/llm/enrichment.hpp"
#include "nodes/llm/journal.hpp"

namespace llm {

struct EnrichedValues {
  Calibration calibration;
  BlendOptions blend;
  // code -> element id -> calibrated LLM level, clamped to the scale
  std::map<std::string, std::map<std::string, double>> llm;
  // Occupations (code, prompt hash) whose journaled calibrated levels differ from these.
  std::vector<std::pair<std::string, std::string>> journal_updates;
};

EnrichedValues compute_values(const Dataset& d, const std::vector<OccupationResult>& results, int folds, std::size_t min_pairs,
                              BlendOptions blend);

// A copy of `t` whose LV rows of enriched (occupation, element) pairs carry llm_value and
// refined_value; nullptr when no row of `t` changes (forward the original then).
std::shared_ptr<onet::TableBatch> enrich_chunk(const onet::TableBatch& t, const EnrichedValues& v);

// LV rows for every (enriched occupation, element in scope) without an O*NET LV row:
// value_source "llm", llm_value = the calibrated level, O*NET fields empty. refined_value is
// the precision-weighted blend of the text estimate (weight 1/sd², its sd calibrated by the
// text estimate's own leave-one-out validation) and the calibrated level (1/residual_sd², the
// calibration's held-out residual) where text_estimate gave one, else the calibrated level.
std::vector<onet::RatingRow> llm_only_rows(const Dataset& d, const EnrichedValues& v);

}  // namespace llm
