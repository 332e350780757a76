#pragma once
// How many oneTBB threads the process allows: a process-wide setting, so the process owns it,
// once — main() of dagrun and skillgap-api (and the test main) holds one Parallelism for its
// whole life. The runtimes only check that it is enough for the pipeline they run.
//
// A batch run needs one thread per task that may wait in emit() for downstream credit, plus
// the cores; a request pipeline needs one per concurrent non-quick task, plus the cores.
// Fewer than that and waiting tasks could hold every thread (a deadlock), so a runtime
// refuses to start instead (NeedsParallelism).
#include <cstddef>
#include <memory>
#include <stdexcept>

#include <oneapi/tbb/global_control.h>

namespace dag {

struct ResolvedPipeline;

class Parallelism {
 public:
  explicit Parallelism(std::size_t threads);
  ~Parallelism();
  Parallelism(const Parallelism&) = delete;
  Parallelism& operator=(const Parallelism&) = delete;

  // What the process allows now (the smallest of the live Parallelism objects, else the
  // number of cores).
  static std::size_t allowed();

 private:
  std::unique_ptr<tbb::global_control> control_;
};

class NeedsParallelism : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::size_t cores();
std::size_t threads_for_batch(const ResolvedPipeline& p);
std::size_t threads_for_requests(const ResolvedPipeline& p);

// Throws NeedsParallelism naming the pipeline and both figures when allowed() < needed.
void require_parallelism(const ResolvedPipeline& p, std::size_t needed);

}  // namespace dag
