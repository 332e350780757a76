#pragma once
// The grounded prompt for one occupation (one request per occupation; see README.md):
// title and description; every element asked with its id, name and Content Model description;
// the LV scale's meaning and range (Scales Reference); and, as reference points, O*NET's LV
// values of the most similar *other* rated occupations (similarity.hpp). Never the
// occupation's own O*NET values: the calibration on rated occupations would otherwise measure
// an echo, and would not transfer to the unrated ones, which are asked the same way.
#include <string>
#include <vector>

#include "nodes/llm/dataset.hpp"
#include "nodes/llm/similarity.hpp"
#include "nodes/llm/types.hpp"

namespace llm {

class PromptBuilder {
 public:
  PromptBuilder(const Dataset& d, std::size_t references);

  // The request asking for `element_ids` (all of scope for the first request; the ones still
  // missing for a follow-up). Deterministic: same data, same text, same hash.
  Request build(const onet::OccupationRow& occ, const std::vector<std::string>& element_ids) const;
  Request build_full(const onet::OccupationRow& occ) const;

  std::vector<Reference> references_for(const onet::OccupationRow& occ) const;

 private:
  const Dataset& d_;
  std::size_t references_;
  ReferenceFinder finder_;
};

// The answer schema for these element ids (JSON Schema, lowercase types, enum of ids).
nlohmann::json answer_schema(const std::vector<std::string>& element_ids);

// sha256 hex over the prompt version, system text, user text and schema.
std::string request_hash(const std::string& system, const std::string& user, const nlohmann::json& schema);

}  // namespace llm
