#pragma once
// The batch kind text_estimate adds to the "onet" stream: every occupation's text-neighbour
// estimates and the run's leave-one-out validation. Immutable once emitted.
#include <string>
#include <vector>

#include "engine/batch.hpp"
#include "nodes/estimate/validation.hpp"

namespace estimate {

struct NeighbourRow {
  std::string code;
  double similarity = 0;
};

struct ValueRow {
  std::string element_id, scale_id;
  double value = 0, sd = 0, lower = 0, upper = 0;  // estimate, its sd and 80 % interval
};

struct OccupationEstimates {
  std::string code;
  bool rated = false;                    // O*NET rates it: the values are leave-one-out estimates
  std::vector<NeighbourRow> neighbours;  // most similar first
  std::vector<ValueRow> values;
};

class EstimateBatch final : public dag::Batch {
 public:
  std::vector<OccupationEstimates> occupations;  // by code
  std::vector<Metrics> validation;               // per domain x scale
  std::string summary_json;                      // parameters + validation, for load_runs
  std::string_view kind() const override { return "onet.estimates"; }
  std::size_t rows() const override {
    std::size_t n = 0;
    for (const auto& o : occupations) n += o.values.size();
    return n;
  }
};

}  // namespace estimate
