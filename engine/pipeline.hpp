#pragma once
// A pipeline file, read (pipeline_def) and then validated against a registry (resolved).
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "diagnostics.hpp"
#include "node_spec.hpp"
#include "params.hpp"

namespace dag {

class Registry;

struct LoadOptions {
  // "path.to.key=value" overrides, applied after ${VAR} expansion. Nodes are addressed by id:
  // nodes.load.params.db=sqlite:x.db ; settings.on_error=skip ; name=foo
  std::vector<std::string> overrides;
  // Environment lookup; defaults to getenv. Tests pass their own.
  std::function<std::optional<std::string>(const std::string&)> env;
};

// The YAML document after env expansion and overrides, still untyped, with source positions.
// clang-tidy 14 flags the implicitly declared operator=, which has no noexcept promise to break
// (YAML::Node's assignment makes none).
// NOLINTNEXTLINE(bugprone-exception-escape)
struct PipelineDoc {
  std::string file;
  YAML::Node root;
  Diagnostics diagnostics;  // problems found while expanding (unset variable, bad --set)
};

// Reads and parses the file. Throws InputError when the file cannot be read or is not text;
// a YAML syntax error becomes a diagnostic (the file was read, its content is invalid).
PipelineDoc load_pipeline_doc(const std::string& path, const LoadOptions& opts = {});
PipelineDoc parse_pipeline_doc(const std::string& text, const std::string& file_label, const LoadOptions& opts = {});

struct InputBinding {
  std::size_t from = 0;       // upstream node index
  std::size_t from_port = 0;  // upstream output port
  std::size_t port = 0;       // this node's input port
  std::size_t index = 0;      // position within a variadic port
  SourcePos pos;
};

struct ResolvedNode {
  std::string id;
  std::string type;
  const NodeSpec* spec = nullptr;
  Params params;
  int concurrency = 1;             // 0 = unlimited
  bool concurrency_given = false;  // set in the file (or by --set), not the default
  // Request pipelines: how many requests may wait for this (non-quick) node beyond those it
  // is working on; one more fails with dag::QueueFull. 0 = unbounded. Batch runs bound their
  // in-flight work with credits instead and ignore it.
  std::size_t queue_limit = 0;
  SourcePos pos;
  std::vector<InputBinding> inputs;
};

struct ResolvedPipeline {
  std::string file;
  std::string name;
  Settings settings;
  std::vector<ResolvedNode> nodes;  // in file order
  std::vector<std::size_t> order;   // topological order
  // Valid but probably not meant, e.g. a request pipeline's node left serial by default; in
  // file order. `dagrun` prints them on stderr, skillgap-api logs them at start-up.
  Diagnostics warnings;  // each with Diagnostic::warning set
  const ResolvedNode* find(const std::string& id) const;
};

// Validates everything and reports every problem at once: throws PipelineError.
ResolvedPipeline resolve_pipeline(const PipelineDoc& doc, const Registry& registry, const LoadOptions& opts = {});

// Convenience: load + resolve.
ResolvedPipeline load_pipeline(const std::string& path, const Registry& registry, const LoadOptions& opts = {});

// `dagrun graph`: Mermaid or Graphviz DOT text of the DAG.
std::string render_mermaid(const ResolvedPipeline& p);
std::string render_dot(const ResolvedPipeline& p);

// `dagrun config`: the document after expansion and overrides, as YAML, with secrets masked
// (params declared Secret, credentials inside URLs, settings whose name says secret/password/key),
// all through common/redact.hpp.
// With `resolved`, parameters left to their defaults are filled in.
std::string render_config(const PipelineDoc& doc, const Registry& registry, const ResolvedPipeline* resolved = nullptr);

}  // namespace dag
