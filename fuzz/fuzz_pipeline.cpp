// libFuzzer target: the pipeline YAML loader and validator (engine/yaml_doc, env_expand,
// resolve, render) with the real node registry (register_all_nodes).
// Input: a pipeline file. Leading lines "#set KEY=VALUE" (plain YAML comments) are also passed
// as --set overrides. ${VAR} sees a fixed environment (HOME, ONET_SOURCE, DATABASE_URL with a
// password); everything else is unset.
// Oracle beyond "no crash": only the documented exceptions escape (InputError for a file that
// is not text, PipelineError for an invalid pipeline; dagrun lets anything else terminate
// it), a valid pipeline renders as Mermaid, DOT and config, and the rendered config never
// shows the database password.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "engine/pipeline.hpp"
#include "engine/registry.hpp"

namespace {

const dag::Registry& registry() {
  static const dag::Registry* r = [] {
    auto* reg = new dag::Registry;
    dag::register_all_nodes(*reg);
    return reg;
  }();
  return *r;
}

std::optional<std::string> env(const std::string& name) {
  if (name == "HOME") return "/home/fuzz";
  if (name == "ONET_SOURCE") return "tests/fixtures/onet_mini";
  if (name == "DATABASE_URL") return "mysql://user:Fuzz5ecretPW@127.0.0.1:1/db";
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  dag::LoadOptions opts;
  opts.env = env;
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
    (void)dag::render_mermaid(resolved);
    (void)dag::render_dot(resolved);
    const std::string config = dag::render_config(doc, registry(), &resolved);
    if (config.find("Fuzz5ecretPW") != std::string::npos) std::abort();
  } catch (const dag::PipelineError& e) {
    if (e.diagnostics().empty()) std::abort();  // "invalid" must always say why
    (void)e.diagnostics().str();
  }
  return 0;
}
