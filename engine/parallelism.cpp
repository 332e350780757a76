#include "engine/parallelism.hpp"

#include <algorithm>
#include <thread>

#include "engine/pipeline.hpp"

namespace dag {

Parallelism::Parallelism(std::size_t threads)
    : control_(std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                     std::max<std::size_t>(1, threads))) {}

Parallelism::~Parallelism() = default;

std::size_t Parallelism::allowed() { return tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism); }

std::size_t cores() { return std::max(1u, std::thread::hardware_concurrency()); }

std::size_t threads_for_batch(const ResolvedPipeline& p) {
  const std::size_t hw = cores();
  std::size_t waiters = 0;  // tasks that may wait in emit() at once
  for (const auto& n : p.nodes) {
    if (n.spec->is_sink()) continue;
    waiters += n.spec->is_source() ? 1 : (n.concurrency == 0 ? 2 * hw : static_cast<std::size_t>(n.concurrency));
  }
  return hw + waiters;
}

std::size_t threads_for_requests(const ResolvedPipeline& p) {
  const std::size_t hw = cores();
  std::size_t tasks = 0;  // non-quick nodes run as tasks and may block (a remote fetch)
  for (const auto& n : p.nodes) {
    if (n.spec->quick || n.spec->role != NodeRole::Step) continue;
    tasks += n.concurrency == 0 ? 2 * hw : static_cast<std::size_t>(n.concurrency);
  }
  return hw + tasks;
}

void require_parallelism(const ResolvedPipeline& p, std::size_t needed) {
  const auto allowed = Parallelism::allowed();
  if (allowed >= needed) return;
  throw NeedsParallelism(p.file + ": pipeline '" + p.name + "' needs " + std::to_string(needed) +
                         " oneTBB threads (the cores plus one per task that may wait), but the process allows " +
                         std::to_string(allowed) + "; main() must hold a dag::Parallelism of at least " + std::to_string(needed));
}

}  // namespace dag
