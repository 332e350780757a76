#pragma once
// The text profile of each occupation, from O*NET's own tables: its title, description, task
// statements (Core weighted above Supplemental), alternate titles and reported job titles, each
// field with its weight (TextIndex turns the weights into term frequencies).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nodes/estimate/text_index.hpp"
#include "nodes/onet/batches.hpp"

namespace estimate {

struct FieldWeights {
  double title = 3;
  double description = 1;
  double core_task = 1;
  double supplemental_task = 0.5;  // also tasks whose type is n/a
  double alternate_title = 0.3;
  double reported_title = 0.5;
};

struct TextProfiles {
  std::vector<Document> documents;           // by code
  std::map<std::string, std::size_t> index;  // code -> position in documents
  std::vector<int> job_zones;                // per document, 0 when unknown
};

// Builds one document per row of Occupation Data found in `tables`; rows of the other tables
// whose code is not an occupation are ignored (the validator has rejected them already).
TextProfiles build_text_profiles(const std::vector<std::shared_ptr<const onet::TableBatch>>& tables, const FieldWeights& w);

}  // namespace estimate
