#pragma once
// What llm_enrich needs from the O*NET stream, collected from the batches it buffers:
// occupations, the elements in scope (leaf elements of the Content Model under the scope
// prefixes, e.g. 2.A and 2.B = the 35 skills), the LV scale, and O*NET's LV values of those
// elements per occupation (with their standard errors).
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nodes/onet/batches.hpp"

namespace llm {

struct ScopeElement {
  std::string id, name, description;
};

struct LvRating {
  double value = 0;
  std::optional<double> standard_error;
};

struct Dataset {
  std::vector<onet::OccupationRow> occupations;  // sorted by code
  std::vector<ScopeElement> scope;               // Content Model order
  std::string lv_scale_name = "Level";
  double lv_min = 0, lv_max = 7;
  bool lv_scale_found = false;
  // code -> element id -> O*NET LV value (in-scope elements only)
  std::map<std::string, std::map<std::string, LvRating>> lv;
  std::map<std::string, std::size_t> scope_index;  // element id -> position in `scope`
  // code -> its text neighbours, most similar first (text_estimate's, when the pipeline ran it;
  // empty otherwise): the reference occupations of its prompt.
  struct TextNeighbour {
    std::string code;
    double similarity = 0;
  };
  std::map<std::string, std::vector<TextNeighbour>> text_neighbours;
  // code -> element id -> its text estimate of LV (value and sd, text_estimate's; in-scope
  // elements only): blended with the calibrated LLM level into an unrated occupation's refined value.
  struct TextEstimate {
    double value = 0, sd = 0;
  };
  std::map<std::string, std::map<std::string, TextEstimate>> text_lv;

  bool rated(const std::string& code) const { return lv.count(code) != 0; }
  const ScopeElement* element(const std::string& id) const;
};

// Builds the dataset from the buffered table chunks. `scope`: element id prefixes ("2.A").
// Throws std::runtime_error when the scope selects no element (names the prefixes).
Dataset build_dataset(const std::vector<std::shared_ptr<const onet::TableBatch>>& tables, const std::vector<std::string>& scope);

// True when `id` is one of the prefixes or below one ("2.A.1.a" is under "2.A").
bool in_scope(const std::string& id, const std::vector<std::string>& scope);

}  // namespace llm
