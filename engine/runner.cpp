#include "engine/runner.hpp"

#include <optional>

#include "common/periodic.hpp"
#include "engine/batch_runtime.hpp"
#include "engine/parallelism.hpp"

namespace dag {

RunReport run_pipeline(const ResolvedPipeline& p, const Registry& registry, Resources& resources, const RunOptions& opts) {
  RunReport report;
  report.pipeline = p.name;
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };

  std::unique_ptr<detail::BatchRuntime> rt;
  try {
    rt = std::make_unique<detail::BatchRuntime>(p, registry, resources, opts.max_in_flight, opts.on_node_done);
  } catch (const NodeError& e) {
    report.ok = false;
    report.error = e.what();
    report.failed_node = e.node_id();
    for (const auto& n : p.nodes) {
      NodeStats s;
      s.id = n.id;
      s.type = n.type;
      s.status = n.id == e.node_id() ? NodeStatus::Failed : NodeStatus::Cancelled;
      if (n.id == e.node_id()) s.error = e.cause();
      report.nodes.push_back(std::move(s));
    }
    report.seconds = elapsed();
    return report;
  } catch (const NeedsParallelism& e) {
    report.ok = false;
    report.error = e.what();
    for (const auto& n : p.nodes) {
      NodeStats s;
      s.id = n.id;
      s.type = n.type;
      s.status = NodeStatus::Cancelled;
      report.nodes.push_back(std::move(s));
    }
    report.seconds = elapsed();
    return report;
  }

  // Progress snapshots from a side thread, so a slow node cannot stall the display.
  std::optional<common::Periodic> progress;
  if (opts.on_progress) {
    progress.emplace(opts.progress_interval, [&] {
      opts.on_progress(rt->snapshot());
      return true;
    });
  }
  rt->run();
  progress.reset();  // stops and joins before the final snapshot below
  report.nodes = rt->snapshot();
  if (opts.on_progress) opts.on_progress(report.nodes);
  report.ok = !rt->failed();
  report.error = rt->error();
  report.failed_node = rt->failed_node();
  report.seconds = elapsed();
  return report;
}

}  // namespace dag
