#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/runner.hpp"

namespace dag {

std::string to_string(NodeStatus s) {
  switch (s) {
    case NodeStatus::Pending:
      return "pending";
    case NodeStatus::Running:
      return "running";
    case NodeStatus::Ok:
      return "ok";
    case NodeStatus::Failed:
      return "failed";
    case NodeStatus::Cancelled:
      return "cancelled";
  }
  return "?";
}

std::string RunReport::to_json() const {
  nlohmann::json j;
  j["pipeline"] = pipeline;
  j["ok"] = ok;
  j["seconds"] = seconds;
  if (!ok) {
    j["error"] = error;
    j["failed_node"] = failed_node;
  }
  j["nodes"] = nlohmann::json::array();
  for (const auto& n : nodes) {
    nlohmann::json jn{{"id", n.id},
                      {"type", n.type},
                      {"status", dag::to_string(n.status)},
                      {"batches_in", n.batches_in},
                      {"rows_in", n.rows_in},
                      {"batches_out", n.batches_out},
                      {"rows_out", n.rows_out},
                      {"seconds", n.seconds}};
    if (!n.counters.empty()) jn["counters"] = n.counters;
    if (!n.summary.empty()) jn["summary"] = n.summary;
    if (!n.error.empty()) jn["error"] = n.error;
    j["nodes"].push_back(std::move(jn));
  }
  return j.dump(2);
}

std::string RunReport::to_table() const {
  std::size_t w = 4;
  for (const auto& n : nodes) w = std::max(w, n.id.size());
  std::string out = fmt::format("{:<{}}  {:<16} {:<9} {:>8} {:>10} {:>8} {:>10} {:>9}\n", "node", w, "type", "status", "batch in",
                                "rows in", "batch out", "rows out", "seconds");
  for (const auto& n : nodes) {
    out += fmt::format("{:<{}}  {:<16} {:<9} {:>8} {:>10} {:>8} {:>10} {:>9.3f}", n.id, w, n.type, dag::to_string(n.status),
                       n.batches_in, n.rows_in, n.batches_out, n.rows_out, n.seconds);
    for (const auto& [k, v] : n.counters) out += fmt::format("  {}={}", k, v);
    out += "\n";
  }
  for (const auto& n : nodes)
    for (const auto& line : n.summary) out += fmt::format("{}: {}\n", n.id, line);
  out += fmt::format("{} in {:.3f} s{}\n", ok ? "succeeded" : "FAILED", seconds, ok ? "" : ": " + error);
  return out;
}

}  // namespace dag
