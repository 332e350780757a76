#include "engine/diagnostics.hpp"

#include <algorithm>
#include <sstream>

#include "common/redact.hpp"

namespace dag {

std::string SourcePos::str() const {
  if (file.empty()) return "<command line>";
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string Diagnostic::str() const {
  std::string s = pos.str() + (warning ? ": warning[" : ": error[") + code + "]: ";
  if (!node_id.empty()) s += "node '" + node_id + "': ";
  return s + message;
}

void Diagnostics::add(SourcePos pos, const std::string& node_id, std::string code, const std::string& message) {
  // Messages quote values from the file and the environment ("got '...'"); a URL among them
  // keeps its password hidden. So does the node id: an invalid one is quoted as written, and
  // may hold an expanded ${DATABASE_URL} (a fuzz finding). A valid id holds no URL, so the
  // ids that diagnostics are matched by are never changed.
  items_.push_back({std::move(pos), common::redact_urls_in(node_id), std::move(code), common::redact_urls_in(message)});
}

void Diagnostics::warn(SourcePos pos, const std::string& node_id, std::string code, const std::string& message) {
  add(std::move(pos), node_id, std::move(code), message);
  items_.back().warning = true;
}

bool Diagnostics::has_code(const std::string& code) const {
  return std::any_of(items_.begin(), items_.end(), [&](const Diagnostic& d) { return d.code == code; });
}

std::string Diagnostics::str() const {
  std::string out;
  for (const auto& d : items_) out += d.str() + "\n";
  return out;
}

PipelineError::PipelineError(Diagnostics d)
    : std::runtime_error("invalid pipeline (" + std::to_string(d.size()) + " error" + (d.size() == 1 ? "" : "s") + "):\n" +
                         d.str()),
      diags_(std::move(d)) {}

NodeError::NodeError(std::string node_id, std::string type, std::string cause)
    : std::runtime_error("node '" + node_id + "' (" + type + "): " + cause),
      node_id_(std::move(node_id)),
      type_(std::move(type)),
      cause_(std::move(cause)) {}

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

}  // namespace dag
