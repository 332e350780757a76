#pragma once
// Runs a resolved pipeline once as a oneTBB flow graph (batch mode).
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "pipeline.hpp"
#include "registry.hpp"
#include "resources.hpp"

namespace dag {

enum class NodeStatus { Pending, Running, Ok, Failed, Cancelled };
std::string to_string(NodeStatus s);

struct NodeStats {
  std::string id;
  std::string type;
  NodeStatus status = NodeStatus::Pending;
  std::uint64_t batches_in = 0, rows_in = 0, batches_out = 0, rows_out = 0;
  double seconds = 0;  // first activity to finish
  std::map<std::string, std::int64_t> counters;
  std::vector<std::string> summary;  // Node::summary(), printed under the table
  std::string error;
};

struct RunReport {
  std::string pipeline;
  bool ok = false;
  std::string error;        // "node 'id' (type): cause" for the first failure
  std::string failed_node;  // id of that node
  double seconds = 0;
  std::vector<NodeStats> nodes;  // file order
  std::string to_json() const;
  std::string to_table() const;
};

struct RunOptions {
  // Batches a node may have emitted that downstream has not finished with; emit() waits beyond.
  std::size_t max_in_flight = 8;
  // Called every progress_interval from a side thread with a snapshot, and once at the end.
  std::function<void(const std::vector<NodeStats>&)> on_progress;
  std::chrono::milliseconds progress_interval{250};
  // Called when a node finishes (or fails), for plain log lines.
  std::function<void(const NodeStats&)> on_node_done;
};

RunReport run_pipeline(const ResolvedPipeline& p, const Registry& registry, Resources& resources, const RunOptions& opts = {});

}  // namespace dag
