#pragma once
// Asks the model about every target occupation: cache first, then one request per occupation
// with bounded retries, a concurrency limit and a requests-per-minute limit; every finished
// occupation goes to the journal as it completes. Independent of the engine, so that tests and
// the bench can drive it directly.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nodes/llm/dataset.hpp"
#include "nodes/llm/journal.hpp"
#include "nodes/llm/prompt.hpp"
#include "nodes/llm/provider.hpp"
#include "nodes/llm/retry_policy.hpp"

namespace spdlog {
class logger;
}

namespace llm {

struct EnrichOptions {
  int concurrency = 4;
  double rpm = 60;  // 0 = no limit
  RetryPolicy retry;
  bool fail_on_error = true;  // on_error: fail (stop and fail the run) | skip (record, go on)
  // skip: this many occupations given up in a row (none answered in between) fail the run
  // anyway — the service is down or refuses everything; 0 = no limit.
  int max_consecutive_failures = 20;
  std::chrono::milliseconds progress_every{10000};
  std::string label = "llm_enrich";  // log prefix (the node id)
};

struct ElementAnswer {
  double raw = 0;
  std::string justification;
  std::optional<double> stored_calibrated;  // from the cache: calibrated_level as journaled
};

struct OccupationResult {
  std::string code;
  std::string prompt_hash;
  std::map<std::string, ElementAnswer> answers;  // element id -> raw level
  bool from_cache = false;                       // every element came from the journal
  bool failed = false;                           // gave up on at least one element
  std::string failure;                           // why (last problem)
  int calls = 0;
};

struct EnrichCounters {
  std::atomic<std::int64_t> total{0}, done{0}, calls{0}, cache_hits{0}, failures{0}, retries{0}, invalid_answers{0};
};

class Enricher {
 public:
  // `journal` may be null (no cache). `cancelled` is polled between calls.
  // `counters`: where to count (e.g. a node's, read by the progress thread); own ones when null.
  Enricher(const Dataset& d, const PromptBuilder& prompts, Provider& provider, Journal* journal, EnrichOptions opts,
           std::shared_ptr<spdlog::logger> log, std::function<bool()> cancelled = {}, EnrichCounters* counters = nullptr);

  // Results in the order of `targets`. Throws std::runtime_error when the run must fail: a
  // request refused outright (bad key, unknown model: every other would fail the same way), an
  // occupation given up on under fail_on_error, a journal write error, or cancellation.
  std::vector<OccupationResult> run(const std::vector<const onet::OccupationRow*>& targets);

  const EnrichCounters& counters() const { return c_; }

 private:
  struct Shared;
  void process(const onet::OccupationRow& occ, Request full, OccupationResult& res, Shared& sh);

  const Dataset& d_;
  const PromptBuilder& prompts_;
  Provider& provider_;
  Journal* journal_;
  EnrichOptions opts_;
  std::shared_ptr<spdlog::logger> log_;
  std::function<bool()> cancelled_;
  EnrichCounters own_;
  EnrichCounters& c_;
};

}  // namespace llm
