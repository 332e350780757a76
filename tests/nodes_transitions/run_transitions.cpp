#include "run_transitions.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/test_support.hpp"
#include "engine/pipeline.hpp"
#include "engine/registry.hpp"

namespace transitionstest {

dag::RunReport run_transitions(const std::string& db_url, const Outputs& out, const std::vector<std::string>& overrides) {
  dag::Registry reg;
  dag::register_all_nodes(reg);
  dag::LoadOptions lo;
  lo.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  lo.overrides = {"nodes.snapshot.params.database=" + db_url, "nodes.write.params.tsv=" + out.tsv_path,
                  "nodes.write.params.jsonl=" + out.jsonl_path};
  lo.overrides.insert(lo.overrides.end(), overrides.begin(), overrides.end());
  auto p = dag::load_pipeline(testing_support::repo_path("pipelines/transitions.yaml"), reg, lo);
  dag::Resources res;
  return dag::run_pipeline(p, reg, res);
}

std::map<std::string, nlohmann::json> read_jsonl(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::map<std::string, nlohmann::json> out;
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    const std::string code = j.at("from_occupation_code");
    if (!out.emplace(code, std::move(j)).second) throw std::runtime_error(path + ": two lines for " + code);
  }
  return out;
}

namespace {
std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream s(line);
  while (std::getline(s, cell, '\t')) out.push_back(cell);
  if (!line.empty() && line.back() == '\t') out.emplace_back();
  return out;
}
}  // namespace

Tsv read_tsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  Tsv t;
  std::string line;
  if (!std::getline(in, line)) return t;
  t.header = split(line);
  while (std::getline(in, line)) {
    auto cells = split(line);
    if (cells.size() != t.header.size()) {
      throw std::runtime_error(path + ": a row with " + std::to_string(cells.size()) + " cells, the header has " +
                               std::to_string(t.header.size()));
    }
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < cells.size(); ++i) row[t.header[i]] = cells[i];
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace transitionstest
