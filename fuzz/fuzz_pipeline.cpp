// libFuzzer target: the pipeline YAML loader and validator (engine/yaml_doc, env_expand,
// resolve, render) with the real node registry (register_all_nodes).
// Input: a pipeline file. Leading lines "#set KEY=VALUE" (plain YAML comments) are also passed
// as --set overrides. ${VAR} sees a fixed environment (HOME, ONET_SOURCE, and DATABASE_URL with
// one of the passwords of tests/security/passwords.tsv — '@', ':', '/', '%40', '#', empty —
// picked by the input's size); everything else is unset.
// Oracle beyond "no crash": only the documented exceptions escape (InputError for a file that
// is not text, PipelineError for an invalid pipeline; dagrun lets anything else terminate
// it), a valid pipeline renders as Mermaid, DOT and config, and none of those renderings, its
// warnings or the diagnostics show any piece of the database password (unless the input itself
// holds it).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "engine/pipeline.hpp"
#include "engine/registry.hpp"
#include "tests/security/passwords.hpp"

namespace {

const dag::Registry& registry() {
  static const dag::Registry* r = [] {
    auto* reg = new dag::Registry;
    dag::register_all_nodes(*reg);
    return reg;
  }();
  return *r;
}

const std::vector<secrets_test::Password>& passwords() {
  static const auto* p = new std::vector<secrets_test::Password>(
      secrets_test::load_passwords(std::string(SKILLGAP_SOURCE_DIR) + "/tests/security/passwords.tsv"));
  return *p;
}

// The output shows a piece of the password that the input did not contain itself.
bool leaks(const std::string& output, const std::string& input, const secrets_test::Password& pw) {
  for (const auto& piece : pw.pieces)
    if (output.find(piece) != std::string::npos && input.find(piece) == std::string::npos) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto& pw = passwords()[size % passwords().size()];
  const std::string database_url = "mysql://user:" + pw.raw + "@127.0.0.1:1/db";
  dag::LoadOptions opts;
  opts.env = [&database_url](const std::string& name) -> std::optional<std::string> {
    if (name == "HOME") return "/home/fuzz";
    if (name == "ONET_SOURCE") return "tests/fixtures/onet_mini";
    if (name == "DATABASE_URL") return database_url;
    return std::nullopt;
  };
  for (std::size_t pos = 0; text.compare(pos, 5, "#set ") == 0 && opts.overrides.size() < 8;) {
    auto nl = text.find('\n', pos);
    opts.overrides.push_back(text.substr(pos + 5, nl == std::string::npos ? std::string::npos : nl - pos - 5));
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }

  dag::PipelineDoc doc;
  try {
    doc = dag::parse_pipeline_doc(text, "fuzz.yaml", opts);
  } catch (const dag::InputError&) {
    return 0;  // not text (binary, invalid UTF-8): dagrun's "unreadable input", exit 3
  }
  try {
    auto resolved = dag::resolve_pipeline(doc, registry(), opts);
    // Every output dagrun prints for a valid pipeline: graph (both formats), config, warnings.
    std::string shown = dag::render_mermaid(resolved) + dag::render_dot(resolved) +
                        dag::render_config(doc, registry(), &resolved) + resolved.warnings.str();
    if (leaks(shown, text, pw)) std::abort();
  } catch (const dag::PipelineError& e) {
    if (e.diagnostics().empty()) std::abort();                 // "invalid" must always say why
    if (leaks(e.diagnostics().str(), text, pw)) std::abort();  // they quote values
  }
  return 0;
}
