#pragma once
// Runs pipelines/transitions.yaml in-process (the registry of every node type, no environment)
// against a database, writing to the given files. Shared by tests/nodes_transitions and the
// real-data test in tests/api.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/runner.hpp"

namespace transitionstest {

struct Outputs {
  std::string tsv_path, jsonl_path;
};

// Extra overrides are "path.to.key=value" (e.g. "nodes.rank.params.limit=3").
dag::RunReport run_transitions(const std::string& db_url, const Outputs& out, const std::vector<std::string>& overrides = {});

// The JSONL file: one parsed object per line, by source code.
std::map<std::string, nlohmann::json> read_jsonl(const std::string& path);

// The TSV file: the header's columns, and the rows as column -> value maps, in file order.
struct Tsv {
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
};
Tsv read_tsv(const std::string& path);

}  // namespace transitionstest
