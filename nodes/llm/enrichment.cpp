#include "nodes/llm/enrichment.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include <spdlog/logger.h>

#include "common/periodic.hpp"
#include "nodes/llm/answer_parser.hpp"
#include "nodes/llm/journal_writer.hpp"
#include "nodes/llm/rate_limiter.hpp"

namespace llm {

namespace {

std::string shorten(const std::string& s, std::size_t n) { return s.size() > n ? s.substr(0, n) + "..." : s; }

std::string join(const std::vector<std::string>& v, const char* sep, std::size_t max_items = 6) {
  std::string out;
  for (std::size_t i = 0; i < v.size() && i < max_items; ++i) out += (i ? sep : "") + v[i];
  if (v.size() > max_items) out += std::string(sep) + "(" + std::to_string(v.size() - max_items) + " more)";
  return out;
}

std::string seconds_text(double s) {
  char buf[32];
  if (s < 120)
    std::snprintf(buf, sizeof buf, "%.1f s", s);
  else
    std::snprintf(buf, sizeof buf, "%.0f min", s / 60);
  return buf;
}

}  // namespace

struct Enricher::Shared {
  explicit Shared(double rpm) : limiter(rpm) {}
  RateLimiter limiter;
  std::unique_ptr<JournalWriter> writer;
  std::atomic<bool> stop{false};
  std::atomic<int> failed_in_a_row{0};
  std::mutex mu;
  std::string error;  // the first reason to fail the run

  void fail(const std::string& why) {
    {
      std::lock_guard lock(mu);
      if (error.empty()) error = why;
    }
    stop = true;
    limiter.stop();
  }
};

Enricher::Enricher(const Dataset& d, const PromptBuilder& prompts, Provider& provider, Journal* journal, EnrichOptions opts,
                   std::shared_ptr<spdlog::logger> log, std::function<bool()> cancelled, EnrichCounters* counters)
    : d_(d),
      prompts_(prompts),
      provider_(provider),
      journal_(journal),
      opts_(std::move(opts)),
      log_(std::move(log)),
      cancelled_(std::move(cancelled)),
      c_(counters ? *counters : own_) {}

void Enricher::process(const onet::OccupationRow& occ, Request full, OccupationResult& res, Shared& sh) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.0, 1.0);

  std::vector<std::string> missing;
  for (const auto& id : full.element_ids) {
    if (!res.answers.count(id)) missing.push_back(id);
  }
  if (missing.empty()) {
    res.from_cache = true;
    ++c_.cache_hits;
    ++c_.done;
    return;
  }
  Request req = missing.size() == full.element_ids.size() ? std::move(full) : prompts_.build(occ, missing);

  std::vector<JournalRow> rows;
  auto row = [&](const std::string& element) {
    JournalRow r;
    r.code = occ.code;
    r.element_id = element;
    r.prompt_hash = res.prompt_hash;
    r.created_at = sqldb::utc_now_iso8601();
    return r;
  };
  std::string problem, last_text;
  std::optional<double> last_latency;
  int retry = 0;
  bool gave_up = false, interrupted = false;
  for (;;) {
    if (sh.stop || (cancelled_ && cancelled_()) || !sh.limiter.acquire()) {
      interrupted = true;
      break;
    }
    Reply r = provider_.complete(req);
    ++res.calls;
    ++c_.calls;
    last_latency = r.latency_ms;
    std::optional<double> retry_after;
    if (r.outcome == Outcome::Ok) {
      std::vector<AskedElement> asked;
      for (const auto& id : req.element_ids) {
        const auto* e = d_.element(id);
        asked.push_back({id, e ? e->name : std::string()});
      }
      auto parsed = parse_answer(r.text, occ.code, asked, d_.lv_min, d_.lv_max);
      bool first = true;
      for (auto& [id, item] : parsed.items) {
        res.answers[id] = ElementAnswer{item.level, item.justification, std::nullopt};
        JournalRow jr = row(id);
        jr.raw_level = item.level;
        jr.justification = item.justification;
        jr.raw_response = item.raw;
        jr.latency_ms = std::llround(r.latency_ms);
        if (first) {  // tokens belong to the call: on its first row only, so that SUM() is right
          jr.prompt_tokens = r.prompt_tokens;
          jr.completion_tokens = r.completion_tokens;
          first = false;
        }
        jr.status = "ok";
        rows.push_back(std::move(jr));
      }
      if (parsed.missing.empty()) break;
      ++c_.invalid_answers;
      problem = "invalid answer: " + join(parsed.problems, "; ");
      last_text = r.text;
      req = prompts_.build(occ, parsed.missing);  // keep what was valid, ask for the rest
    } else if (r.outcome == Outcome::ClientError) {
      problem = std::string(to_string(r.outcome)) + ": " + r.detail;
      last_text = r.body;
      gave_up = true;
      sh.fail("the " + provider_.name() + " API refused the request for " + occ.code + " (" + r.detail +
              "); check the model name, the key and base_url");
      break;
    } else {
      problem = std::string(to_string(r.outcome)) + (r.detail.empty() ? "" : ": " + r.detail);
      last_text = r.body;
      if (!retryable(r.outcome)) {
        gave_up = true;
        break;
      }
      retry_after = r.retry_after_s;
      if (r.outcome == Outcome::RateLimited && retry_after) {
        // The server asked everyone to wait, not just this request.
        sh.limiter.pause_for(std::min(opts_.retry.max_backoff, std::chrono::milliseconds(std::llround(*retry_after * 1000))));
      }
    }
    if (retry >= opts_.retry.max_retries) {
      gave_up = true;
      break;
    }
    const auto wait = opts_.retry.wait(retry, jitter(rng), retry_after);
    ++retry;
    ++c_.retries;
    if (log_) {
      log_->debug("{}: {}: {}; retry {}/{} in {} ms", opts_.label, occ.code, problem, retry, opts_.retry.max_retries,
                  wait.count());
    }
    if (!sh.limiter.sleep_for(wait)) {
      interrupted = true;
      break;
    }
  }

  if (gave_up) {
    res.failed = true;
    res.failure = problem + " (after " + std::to_string(res.calls) + " call(s))";
    for (const auto& id : req.element_ids) {
      if (res.answers.count(id)) continue;
      JournalRow jr = row(id);
      jr.status = "failed";
      jr.justification = shorten(problem, 1000);
      jr.raw_response = shorten(last_text, 4000);
      if (last_latency) jr.latency_ms = std::llround(*last_latency);
      rows.push_back(std::move(jr));
    }
    ++c_.failures;
    if (log_) log_->warn("{}: gave up on {}: {}", opts_.label, occ.code, res.failure);
    if (opts_.fail_on_error) {
      sh.fail("occupation " + occ.code + ": " + res.failure +
              " (on_error: fail; with on_error: skip the run goes on without it)");
    } else if (const int n = ++sh.failed_in_a_row; opts_.max_consecutive_failures > 0 && n >= opts_.max_consecutive_failures) {
      sh.fail(std::to_string(n) + " occupations in a row failed (last: " + occ.code + ": " + res.failure +
              "); the service looks unavailable, stopping (max_consecutive_failures)");
    }
  } else if (interrupted) {
    res.failed = true;
    res.failure = "interrupted";
  }
  // Valid answers are kept even when the occupation failed or the run stops: a rerun asks only
  // for what is still missing.
  if (sh.writer && !rows.empty()) sh.writer->add(std::move(rows));
  if (!interrupted) ++c_.done;
  if (!gave_up && !interrupted) sh.failed_in_a_row = 0;
}

std::vector<OccupationResult> Enricher::run(const std::vector<const onet::OccupationRow*>& targets) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<OccupationResult> results(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) results[i].code = targets[i]->code;
  c_.total = static_cast<std::int64_t>(targets.size());

  Shared sh(opts_.rpm);
  Journal::Cache cache;
  if (journal_) {
    cache = journal_->load();
    sh.writer = std::make_unique<JournalWriter>(*journal_);
  }

  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (;;) {
      const std::size_t i = next++;
      if (i >= targets.size() || sh.stop) return;
      try {
        // Prompts are built here, by the workers, so the first requests leave at once.
        Request full = prompts_.build_full(*targets[i]);
        OccupationResult& res = results[i];
        res.prompt_hash = full.hash;
        if (auto hit = cache.find({res.code, full.hash}); hit != cache.end()) {
          for (const auto& id : full.element_ids) {
            auto a = hit->second.find(id);
            if (a != hit->second.end()) {
              res.answers[id] = ElementAnswer{a->second.raw_level, a->second.justification, a->second.calibrated};
            }
          }
        }
        process(*targets[i], std::move(full), res, sh);
      } catch (const std::exception& e) {
        sh.fail("occupation " + targets[i]->code + ": " + e.what());
      }
      if (sh.writer && sh.writer->failed()) {
        try {
          sh.writer->flush();
        } catch (const std::exception& e) {
          sh.fail(e.what());
        }
      }
    }
  };

  auto progress_line = [&](bool final) {
    if (!log_) return;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto done = c_.done.load(), total = c_.total.load(), cache = c_.cache_hits.load();
    const auto live = done - cache;
    std::string eta = "?";
    if (live > 0 && done < total) eta = seconds_text(elapsed * static_cast<double>(total - done) / static_cast<double>(live));
    if (final) {
      log_->info("{}: {}/{} occupations in {}: {} calls, {} from cache, {} retries, {} invalid answers, {} failed", opts_.label,
                 done, total, seconds_text(elapsed), c_.calls.load(), cache, c_.retries.load(), c_.invalid_answers.load(),
                 c_.failures.load());
    } else {
      log_->info("{}: {}/{} occupations ({} from cache), {} calls, {} retries, {} failed; ETA {}", opts_.label, done, total,
                 cache, c_.calls.load(), c_.retries.load(), c_.failures.load(), eta);
    }
  };
  {
    common::Periodic progress(opts_.progress_every, [&] {
      progress_line(false);
      return true;
    });
    // Cancellation by the engine (another node failed) is seen by workers between calls.
    std::optional<common::Periodic> watchdog;
    if (cancelled_) {
      watchdog.emplace(std::chrono::milliseconds(100), [&] {
        if (!cancelled_()) return true;
        sh.fail("the run was cancelled");
        return false;
      });
    }
    const int n = std::max(1, std::min<int>(opts_.concurrency, static_cast<int>(targets.size())));
    std::vector<std::thread> workers;
    workers.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) workers.emplace_back(worker);
    for (auto& w : workers) w.join();
  }  // the watchdog and the progress lines end here, before the final line

  if (sh.writer) {
    try {
      sh.writer->flush();
    } catch (const std::exception& e) {
      sh.fail(e.what());
    }
  }
  progress_line(true);
  if (!sh.error.empty()) throw std::runtime_error(sh.error);
  return results;
}

}  // namespace llm
