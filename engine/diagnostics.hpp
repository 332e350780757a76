#pragma once
// Errors that carry where they come from: a pipeline file position, a node id, a cause.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace dag {

// A position in a pipeline file (1-based). line == 0 means "not from the file" (e.g. --set).
struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;
  std::string str() const;  // "file:line:col", or "file" / "<command line>"
};

struct Diagnostic {
  SourcePos pos;
  std::string node_id;  // empty when the problem is not about one node
  std::string code;     // stable machine-readable tag, e.g. "unknown-type"
  std::string message;
  // A warning does not make the pipeline invalid: it is reported beside a valid result
  // (ResolvedPipeline::warnings) and printed as "warning[code]".
  bool warning = false;
  std::string str() const;  // "file:3:7: error[unknown-type]: node 'x': ..."
};

class Diagnostics {
 public:
  void add(SourcePos pos, const std::string& node_id, std::string code, const std::string& message);
  // The same, as a warning (Diagnostic::warning): redacted alike, so no message can quote a
  // password whatever it reports.
  void warn(SourcePos pos, const std::string& node_id, std::string code, const std::string& message);
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }
  bool has_code(const std::string& code) const;
  std::string str() const;  // one diagnostic per line

 private:
  std::vector<Diagnostic> items_;
};

// The pipeline file could not be read at all (missing, unreadable, not text).
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The pipeline was read but is not valid; carries every problem found, not just the first.
class PipelineError : public std::runtime_error {
 public:
  explicit PipelineError(Diagnostics d);
  const Diagnostics& diagnostics() const { return diags_; }

 private:
  Diagnostics diags_;
};

// A node failed while running. what() = "node 'id' (type): cause".
class NodeError : public std::runtime_error {
 public:
  NodeError(std::string node_id, std::string type, std::string cause);
  const std::string& node_id() const { return node_id_; }
  const std::string& type() const { return type_; }
  const std::string& cause() const { return cause_; }

 private:
  std::string node_id_, type_, cause_;
};

// Edit distance based suggestion: the closest candidate within a small distance, or "".
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace dag
