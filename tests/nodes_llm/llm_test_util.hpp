#pragma once
// Helpers for the LLM tests: the onet_mini fixture as table batches, the repository's pipelines
// run through the real engine with every node type, SQLite queries, and a log capture.
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "engine/runner.hpp"
#include "nodes/onet/batches.hpp"

namespace spdlog {
class logger;
}

namespace llmtest {

// The fixture's Occupation Data, Content Model Reference, Scales Reference and Skills tables.
std::vector<std::shared_ptr<const onet::TableBatch>> mini_tables();
// O*NET LV values of the fixture's Skills.txt: (code, element id) -> value.
std::map<std::pair<std::string, std::string>, double> mini_lv();
// Same for the real release in `dir` (Skills.txt).
std::map<std::pair<std::string, std::string>, double> read_lv(const std::string& skills_file);

// Engine + onet + sql + llm node types.
std::unique_ptr<dag::Registry> full_registry();

// Runs pipelines/<file> with overrides; the environment is not consulted (`env` pairs only).
dag::RunReport run_pipeline_file(const std::string& file, const std::vector<std::string>& overrides,
                                 const std::map<std::string, std::string>& env = {});

// Overrides that point the sample pipeline's llm node at a server and the load at `db`.
std::vector<std::string> llm_overrides(const std::string& provider, const std::string& base_url, const std::string& db_url,
                                       const std::string& key = "test-key-0123456789");

// Scalar query results as text ("" for NULL), row by row; SQLite or MySQL URL.
std::vector<std::vector<std::string>> query(const std::string& db_url, const std::string& sql);
std::string scalar(const std::string& db_url, const std::string& sql);

// Routes spdlog's default logger (and so every node's clone) into a string while alive.
class LogCapture {
 public:
  LogCapture();
  ~LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;
  std::string text() const;

 private:
  std::shared_ptr<std::ostringstream> out_;
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace llmtest
