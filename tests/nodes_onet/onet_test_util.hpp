#pragma once
// Helpers shared by the O*NET node tests: fixture copies, zips built at test time, and a
// recording sink so a pipeline's forwarded batches can be inspected.
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "engine/batch.hpp"
#include "engine/registry.hpp"
#include "engine/runner.hpp"
#include "support/test_support.hpp"

namespace onettest {

namespace fs = std::filesystem;

fs::path fixture_dir();  // tests/fixtures/onet_mini

// Copies the fixture's *.txt files into dir/name and returns that folder.
fs::path copy_fixture(const fs::path& dir, const std::string& name);

// Rewrites one line (1-based) of a table file in place; content without line ending.
void replace_line(const fs::path& file, int line, const std::string& content);
void append_line(const fs::path& file, const std::string& content);  // adds content + CRLF

// Zips every *.txt of `folder` (except `exclude`) into `zip_path` under `prefix` ("db_x/" or "").
void make_zip(const fs::path& folder, const fs::path& zip_path, const std::string& prefix,
              const std::set<std::string>& exclude = {});

// What a t_collect sink received, in arrival order.
struct Collected {
  std::mutex mu;
  std::vector<dag::BatchPtr> batches;
  int commits = 0, aborts = 0;
};

// Engine nodes + O*NET nodes + t_collect (a sink of kind "onet" recording into resource
// "collected", a std::shared_ptr<Collected>).
dag::Registry registry();

struct Run {
  dag::RunReport report;
  std::shared_ptr<Collected> collected = std::make_shared<Collected>();
};
// parse + resolve (throws PipelineError) + run with the given overrides.
Run run_yaml(const std::string& yaml, const std::vector<std::string>& overrides = {});

const dag::NodeStats& stats(const dag::RunReport& r, const std::string& id);

}  // namespace onettest
