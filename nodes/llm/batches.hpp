#pragma once
// The batch kind llm_enrich adds to the "onet" stream: the run's LLM summary (provider, model,
// calibration fit and its held-out metrics, call counts) as one JSON text. sql_load stores it in
// load_runs.llm_summary, in the same transaction as the dataset. Header-only on purpose, so that
// a consumer (nodes/sql) can recognise the batch without linking the LLM node group.
#include <string>
#include <string_view>

#include "engine/batch.hpp"

namespace llm {

class LlmSummaryBatch final : public dag::Batch {
 public:
  explicit LlmSummaryBatch(std::string json_text) : json(std::move(json_text)) {}
  std::string json;  // a JSON object; see nodes/llm/README.md for its fields
  std::string_view kind() const override { return "onet.llm_summary"; }
  std::size_t rows() const override { return 1; }
};

}  // namespace llm
