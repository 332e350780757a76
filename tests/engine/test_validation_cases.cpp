// The engine's validation cases as data (issue 10 §6), in the manner of sqllogictest: each
// tests/engine/validation_cases/NAME.yaml is a pipeline for the test registry (test_nodes.hpp,
// with the on_error setting declared),
// NAME.expected the diagnostics it must produce, one `file:line:col: error[code]: message` per
// line in the order reported (empty: the pipeline is valid; a valid one's warnings, as
// `warning[code]`, are listed the same way). A case may begin with comment lines
//   # env: NAME=value NAME=value      the environment it is read with (nothing else is set)
//   # set: path=value                 a --set override (one per line)
// The same files seed the pipeline fuzzer (bench/fuzz/run.sh) and its replay in the suite.
// SKILLGAP_UPDATE_EXPECTED=1 writes the .expected files from what the engine says (review the diff).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "engine/pipeline.hpp"
#include "engine/registry.hpp"
#include "engine/settings.hpp"
#include "support/test_support.hpp"
#include "test_nodes.hpp"

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// What the engine reports for one case, as the .expected file holds it.
std::string diagnose_case(const fs::path& file) {
  const std::string text = slurp(file);
  std::map<std::string, std::string> env;
  dag::LoadOptions opts;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line) && line.starts_with("#");) {
    if (line.starts_with("# env:")) {
      std::istringstream kv(line.substr(6));
      for (std::string item; kv >> item;) {
        auto eq = item.find('=');
        if (eq != std::string::npos) env[item.substr(0, eq)] = item.substr(eq + 1);
      }
    } else if (line.starts_with("# set:")) {
      auto v = line.substr(6);
      v.erase(0, v.find_first_not_of(' '));
      opts.overrides.push_back(v);
    }
  }
  opts.env = [env](const std::string& k) -> std::optional<std::string> {
    auto it = env.find(k);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  auto reg = enginetest::test_registry();
  reg.add_setting(dag::on_error_setting());  // declared as the real node groups declare it
  std::string out;
  try {
    const auto p = dag::resolve_pipeline(dag::parse_pipeline_doc(text, file.filename().string(), opts), reg, opts);
    for (const auto& w : p.warnings) out += w.str() + "\n";
  } catch (const dag::PipelineError& e) {
    for (const auto& d : e.diagnostics().items()) out += d.str() + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("validation cases (tests/engine/validation_cases): every diagnostic, position and code", "[validate][cases]") {
  const fs::path dir = testing_support::repo_path("tests/engine/validation_cases");
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".yaml") cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() >= 10);
  const bool update = std::getenv("SKILLGAP_UPDATE_EXPECTED") != nullptr;
  std::size_t valid = 0, invalid = 0;
  for (const auto& c : cases) {
    const auto got = diagnose_case(c);
    auto expected_path = c;
    expected_path.replace_extension(".expected");
    if (update) {
      std::ofstream(expected_path, std::ios::binary) << got;
      continue;
    }
    INFO("case " << c.filename().string() << "; the engine said:\n" << got);
    REQUIRE(fs::exists(expected_path));
    CHECK(got == slurp(expected_path));
    (got.empty() ? valid : invalid) += 1;
  }
  if (!update) {
    CHECK(valid >= 1);    // the corpus holds valid pipelines too...
    CHECK(invalid >= 9);  // ...and mostly broken ones
  }
}
