#pragma once
// The bad inputs of the nine descriptive tables (issues 11 and 13), each a copy of one fixture
// file (tests/fixtures/onet_mini) with one defect, and what the run must report. Shared by the
// O*NET pipeline tests (exact errors) and the SQL tests (the previous dataset stays intact).
#include <string>
#include <vector>

namespace onettest {

struct BadInput {
  std::string table;    // O*NET table name ("Job Zones")
  std::string node;     // the reader's node id in descriptive_pipeline_readers()
  std::string kind;     // "header changed", "unknown occupation code", "duplicate key", "truncated line"
  std::string content;  // the whole file with the defect
  // "Job Zones.txt:9: occupation code '47-9901.01' is not in Occupation Data" — for "duplicate key"
  // only up to the word "duplicate" (the key's wording differs per table), ending "(first at line 2)".
  std::string problem;
  bool from_reader = false;  // reported by onet_table (file level) rather than onet_validate (rows)
};

// 9 tables x 4 kinds, built from the fixture files.
std::vector<BadInput> descriptive_bad_inputs();

// The nine descriptive tables, referring tables first.
const std::vector<std::string>& descriptive_tables();

}  // namespace onettest
