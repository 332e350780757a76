#include "nodes/llm/enrich_node.hpp"
#include "common/defaults.hpp"

#include <cstdlib>
#include <mutex>

#include <spdlog/logger.h>

#include "engine/settings.hpp"
#include "nodes/estimate/batches.hpp"
#include "nodes/llm/batches.hpp"
#include "nodes/llm/dataset.hpp"
#include "nodes/llm/enrichment.hpp"
#include "nodes/llm/journal.hpp"
#include "nodes/llm/prompt.hpp"
#include "nodes/llm/provider.hpp"
#include "nodes/llm/values.hpp"
#include "nodes/onet/batches.hpp"

namespace llm {

namespace {

constexpr std::size_t kChunkRows = 8192;

std::string fmt_g(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string fmt2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// Every `limit`-th occupation in code order, so that a sample spans all SOC groups.
std::vector<const onet::OccupationRow*> pick_targets(const Dataset& d, std::size_t limit) {
  std::vector<const onet::OccupationRow*> out;
  const std::size_t n = d.occupations.size();
  if (limit == 0 || limit >= n) {
    for (const auto& o : d.occupations) out.push_back(&o);
    return out;
  }
  for (std::size_t i = 0; i < limit; ++i) out.push_back(&d.occupations[i * n / limit]);
  return out;
}

class EnrichNode final : public dag::Node {
 public:
  explicit EnrichNode(const dag::NodeContext& ctx) : id_(ctx.id), log_(ctx.log) {
    const auto& p = ctx.params;
    provider_name_ = p.str("provider");
    if (provider_name_ == "none") {
      if (log_) {
        log_->info(
            "{}: no LLM provider configured (provider: none; set LLM_PROVIDER to gemini, openai or "
            "replay to enrich): passing the data through unchanged, the API serves O*NET's values",
            id_);
      }
      return;
    }
    ProviderOptions po;
    po.provider = provider_name_;
    po.base_url = p.str("base_url");
    po.model = p.str("model");
    po.api_key = p.str("api_key");
    if (po.api_key.empty() && po.provider == "gemini") po.api_key = p.str("gemini_api_key");
    po.timeout = std::chrono::milliseconds(static_cast<long long>(p.number("timeout_s") * 1000));
    po.temperature = p.number("temperature");
    po.cassette = p.str("cassette");
    po.record = p.flag("record");
    provider_ = make_provider(po);  // std::invalid_argument names the parameter
    base_url_ = po.provider == "replay" ? po.cassette : (po.base_url.empty() ? default_base_url(po.provider) : po.base_url);

    opts_.concurrency = static_cast<int>(p.integer("concurrency"));
    opts_.rpm = po.provider == "replay" ? 0 : p.number("rpm");  // a cassette has no quota
    opts_.retry.max_retries = static_cast<int>(p.integer("max_retries"));
    opts_.retry.base = std::chrono::milliseconds(p.integer("backoff_ms"));
    opts_.retry.max_backoff = std::chrono::milliseconds(static_cast<long long>(p.number("max_backoff_s") * 1000));
    opts_.progress_every = std::chrono::milliseconds(static_cast<long long>(p.number("progress_s") * 1000));
    opts_.label = id_;
    opts_.fail_on_error = !dag::skips_bad_input(ctx);
    opts_.max_consecutive_failures = static_cast<int>(p.integer("max_consecutive_failures"));
    scope_ = p.list("scope");
    limit_ = static_cast<std::size_t>(p.integer("limit"));
    references_ = static_cast<std::size_t>(p.integer("references"));
    folds_ = static_cast<int>(p.integer("folds"));
    min_pairs_ = static_cast<std::size_t>(p.integer("min_calibration_pairs"));
    blend_.se_floor = p.number("se_floor");
    blend_.default_se = p.number("default_se");
    cache_url_ = p.str("cache");
    if (cache_url_ != "none") {
      try {
        cache_redacted_ = sqldb::DatabaseUrl::parse(cache_url_).redacted;  // fail early on a bad URL
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(p.pos("cache").str() + ": parameter 'cache': " + e.what());
      }
    }
  }

  void consume(const dag::InputRef&, const dag::BatchPtr& batch, dag::Emitter& out) override {
    if (!provider_) {
      out.emit(batch);
      return;
    }
    std::lock_guard lock(mu_);
    received_.push_back(batch);
    if (auto t = std::dynamic_pointer_cast<const onet::TableBatch>(batch))
      tables_.push_back(std::move(t));
    else if (auto e = std::dynamic_pointer_cast<const estimate::EstimateBatch>(batch))
      estimates_.push_back(std::move(e));
  }

  void finish(dag::Emitter& out) override {
    if (!provider_) return;
    std::lock_guard lock(mu_);
    if (tables_.empty()) {
      if (log_) log_->warn("{}: no O*NET table arrived; nothing to enrich", id_);
      for (const auto& b : received_) out.emit(b);
      return;
    }
    const auto t0 = std::chrono::steady_clock::now();
    Dataset d = build_dataset(tables_, scope_);
    for (const auto& e : estimates_)
      for (const auto& o : e->occupations) {
        auto& list = d.text_neighbours[o.code];
        for (const auto& n : o.neighbours) list.push_back({n.code, n.similarity});
        for (const auto& v : o.values)
          if (v.scale_id == "LV" && d.scope_index.count(v.element_id)) d.text_lv[o.code][v.element_id] = {v.value, v.sd};
      }
    if (!d.lv_scale_found && log_) {
      log_->warn("{}: Scales Reference has no LV row; using the range {}..{}", id_, d.lv_min, d.lv_max);
    }
    auto targets = pick_targets(d, limit_);
    if (log_) {
      log_->info(
          "{}: asking {} ({}, model {}) about {} occupation(s) x {} element(s); concurrency {}, rpm {}, "
          "cache {}",
          id_, provider_->name(), base_url_, provider_->model(), targets.size(), d.scope.size(), opts_.concurrency,
          opts_.rpm > 0 ? fmt_g(opts_.rpm) : std::string("unlimited"),
          cache_url_ == "none" ? std::string("none") : cache_redacted_);
    }
    PromptBuilder prompts(d, references_);
    std::unique_ptr<Journal> journal;
    if (cache_url_ != "none") journal = std::make_unique<Journal>(cache_url_, provider_->name(), provider_->model());
    Enricher enricher(
        d, prompts, *provider_, journal.get(), opts_, log_, [&out] { return out.cancelled(); }, &counters_);
    const auto t_calls = std::chrono::steady_clock::now();
    auto results = enricher.run(targets);
    calls_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_calls).count();

    const auto t_cal = std::chrono::steady_clock::now();
    EnrichedValues values = compute_values(d, results, folds_, min_pairs_, blend_);
    const auto t_journal = std::chrono::steady_clock::now();
    if (journal) {
      const auto& m = values.calibration.map;
      journal->set_calibrated(m.slope, m.intercept, values.blend.lo, values.blend.hi, values.journal_updates);
    }
    const auto t_emit = std::chrono::steady_clock::now();
    log_calibration(values.calibration);
    emit_all(out, d, values, results, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    if (log_) {
      using secs = std::chrono::duration<double>;
      log_->debug(
          "{}: dataset + cache {:.3f} s, calls {:.3f} s, calibration {:.3f} s, calibrated levels journaled "
          "{:.3f} s, forwarding {:.3f} s",
          id_, secs(t_calls - t0).count(), calls_seconds_, secs(t_journal - t_cal).count(), secs(t_emit - t_journal).count(),
          secs(std::chrono::steady_clock::now() - t_emit).count());
    }
  }

  std::map<std::string, std::int64_t> counters() const override {
    if (!provider_) return {};
    return {{"occupations", counters_.total.load()}, {"done", counters_.done.load()},
            {"calls", counters_.calls.load()},       {"cache_hits", counters_.cache_hits.load()},
            {"failures", counters_.failures.load()}, {"retries", counters_.retries.load()},
            {"llm_rows", llm_rows_.load()},          {"enriched_rows", enriched_rows_.load()}};
  }

 private:
  void log_calibration(const Calibration& c) const {
    if (!log_) return;
    if (!c.fitted) {
      log_->warn("{}: LLM levels left uncalibrated: {}", id_, c.note);
      return;
    }
    log_->info(
        "{}: calibration on {} pairs ({} rated occupations, {}-fold): onet = {} + {} x raw; held-out MAE {} "
        "(raw {}), bias {} (raw {}), r {} (raw {}); residual SD {}",
        id_, c.pairs, c.occupations, c.folds, fmt2(c.map.intercept), fmt2(c.map.slope), fmt2(c.calibrated.mae), fmt2(c.raw.mae),
        fmt2(c.calibrated.bias), fmt2(c.raw.bias), fmt2(c.calibrated.r), fmt2(c.raw.r), fmt2(c.residual_sd));
  }

  void emit_all(dag::Emitter& out, const Dataset& d, const EnrichedValues& v, const std::vector<OccupationResult>& results,
                double seconds) {
    // LV rows of the scope live in one rating table (Skills for 2.A/2.B); LLM-only rows join it.
    std::string target = "Skills";
    for (const auto& t : tables_) {
      bool found = false;
      for (const auto& r : t->ratings) {
        if (r.scale_id == "LV" && d.element(r.element_id)) {
          found = true;
          break;
        }
      }
      if (found) {
        target = t->table;
        break;
      }
    }
    auto extra = llm_only_rows(d, v);
    std::shared_ptr<const onet::ReleaseBatch> release;
    bool extra_sent = false;
    auto send_extra = [&](const std::string& file_name) {
      for (std::size_t i = 0; i < extra.size(); i += kChunkRows) {
        auto chunk = std::make_shared<onet::TableBatch>();
        chunk->table = target;
        chunk->file = file_name + " (model estimates)";
        chunk->release = release;
        const std::size_t end = std::min(extra.size(), i + kChunkRows);
        chunk->ratings.assign(extra.begin() + static_cast<std::ptrdiff_t>(i), extra.begin() + static_cast<std::ptrdiff_t>(end));
        chunk->last = end == extra.size();
        out.emit(chunk);
      }
      llm_rows_ = static_cast<std::int64_t>(extra.size());
      extra_sent = true;
    };

    for (const auto& b : received_) {
      if (out.cancelled()) return;
      auto t = std::dynamic_pointer_cast<const onet::TableBatch>(b);
      if (!t) {
        if (auto r = std::dynamic_pointer_cast<const onet::ReleaseBatch>(b)) release = r;
        out.emit(b);
        continue;
      }
      if (t->release && !release) release = t->release;
      auto changed = enrich_chunk(*t, v);
      if (changed) {
        for (const auto& r : changed->ratings) enriched_rows_ += r.llm_value ? 1 : 0;
      }
      if (t->table == target && t->last && !extra.empty()) {
        if (!changed) changed = std::make_shared<onet::TableBatch>(*t);
        changed->last = false;  // the table now ends with the LLM-only chunk
        out.emit(changed);
        send_extra(t->file.empty() ? target + ".txt" : t->file);
        continue;
      }
      out.emit(changed ? dag::BatchPtr(changed) : b);
    }
    if (!extra_sent && !extra.empty()) send_extra(target + ".txt");

    nlohmann::json failed = nlohmann::json::array();
    std::size_t failed_count = 0, answered = 0, rated = 0;
    for (const auto& r : results) {
      if (r.failed) {
        ++failed_count;
        if (failed.size() < 50) failed.push_back({{"code", r.code}, {"reason", r.failure}});
      }
      if (!r.answers.empty()) ++answered;
      if (d.rated(r.code)) ++rated;
    }
    nlohmann::json summary = {{"provider", provider_->name()},
                              {"model", provider_->model()},
                              {"prompt_version", kPromptVersion},
                              {"scope", scope_},
                              {"elements", d.scope.size()},
                              {"occupations", results.size()},
                              {"rated_occupations", rated},
                              {"unrated_occupations", results.size() - rated},
                              {"answered_occupations", answered},
                              {"failed_occupations", failed_count},
                              {"failed", failed},
                              {"calls", counters_.calls.load()},
                              {"cache_hits", counters_.cache_hits.load()},
                              {"retries", counters_.retries.load()},
                              {"invalid_answers", counters_.invalid_answers.load()},
                              {"enriched_rows", enriched_rows_.load()},
                              {"llm_only_rows", llm_rows_.load()},
                              {"calibration", v.calibration.to_json()},
                              {"blend",
                               {{"se_floor", v.blend.se_floor},
                                {"default_se", v.blend.default_se},
                                {"llm_sd", std::round(v.calibration.residual_sd * 1e6) / 1e6}}},
                              {"calls_seconds", std::round(calls_seconds_ * 1000) / 1000},
                              {"seconds", std::round(seconds * 1000) / 1000}};
    out.emit(std::make_shared<LlmSummaryBatch>(summary.dump()));
  }

  std::string id_;
  std::shared_ptr<spdlog::logger> log_;
  std::string provider_name_;
  std::unique_ptr<Provider> provider_;  // null: pass-through
  std::string base_url_, cache_url_, cache_redacted_;
  EnrichOptions opts_;
  std::vector<std::string> scope_;
  std::size_t limit_ = 0, references_ = 3, min_pairs_ = 30;
  int folds_ = 5;
  BlendOptions blend_;

  std::mutex mu_;
  std::vector<dag::BatchPtr> received_;
  std::vector<std::shared_ptr<const onet::TableBatch>> tables_;
  std::vector<std::shared_ptr<const estimate::EstimateBatch>> estimates_;  // text_estimate's, for the prompts' references
  EnrichCounters counters_;
  std::atomic<std::int64_t> llm_rows_{0}, enriched_rows_{0};
  double calls_seconds_ = 0;  // cache lookup + every request (Enricher::run)
};

}  // namespace

dag::NodeSpec enrich_spec() {
  using dag::ParamSpec;
  return dag::NodeSpec("llm_enrich")
      .describe(
          "Asks an LLM for every occupation's skill levels on O*NET's LV scale (one grounded request per "
          "occupation: title, description, each element's id/name/description, the LV scale, O*NET values of "
          "similar other occupations), calibrates the answers against O*NET on rated occupations (k-fold), and "
          "forwards the O*NET stream with llm_value/refined_value on LV rows, LLM-only LV rows (value_source llm) "
          "for occupations O*NET does not rate, and an onet.llm_summary batch. Every answer is journaled in "
          "llm_assessments (the cache: a rerun makes no call for what is answered). provider none: pass-through.")
      .param(ParamSpec::one_of("provider", {"gemini", "openai", "replay", "none"})
                 .def("${LLM_PROVIDER:-none}")
                 .doc("gemini (generateContent), openai (any /v1/chat/completions server: OpenAI, Ollama, vLLM, "
                      "llama.cpp), replay (answers from `cassette`), none (pass the data through)"))
      .param(ParamSpec::str("base_url")
                 .def("${LLM_BASE_URL:-}")
                 .doc("server URL; empty = https://generativelanguage.googleapis.com (gemini), "
                      "https://api.openai.com (openai); e.g. http://localhost:11434 for Ollama"))
      .param(ParamSpec::str("model").def("${LLM_MODEL:-}").doc("model name, e.g. gemini-2.0-flash, gpt-4o-mini"))
      .param(ParamSpec::secret("api_key")
                 .def("${LLM_API_KEY:-}")
                 .doc("API key (gemini: x-goog-api-key header, gemini_api_key when empty; openai: "
                      "Bearer token, optional for local servers). Never logged."))
      // Declared rather than read with getenv inside the node, so that `dagrun config` and
      // `dagrun nodes` show it (masked) like every other input.
      .param(ParamSpec::secret("gemini_api_key")
                 .def("${GEMINI_API_KEY:-}")
                 .doc("Google's conventional variable for a Gemini key: used by provider gemini when "
                      "api_key is empty. Never logged."))
      .param(ParamSpec::integer("concurrency").def("${LLM_CONCURRENCY:-4}").range(1, 256).doc("requests in flight at most"))
      .param(ParamSpec::number("rpm")
                 .def("${LLM_RPM:-60}")
                 .range(0, 1e6)
                 .doc("requests per minute at most, spaced evenly; 0 = no limit (replay: never limited)"))
      .param(ParamSpec::number("timeout_s").def("60").range(0.01, 3600).doc("per request"))
      .param(ParamSpec::integer("max_retries")
                 .def("4")
                 .range(0, 50)
                 .doc("retries per occupation after the first request (429, 5xx, timeout, connection error, empty or "
                      "invalid answer); then the occupation is recorded as failed"))
      .param(
          ParamSpec::integer("backoff_ms")
              .def("1000")
              .range(0, 600000)
              .doc("first retry waits backoff_ms x (0.5..1), doubling each retry (equal jitter); Retry-After is a lower bound"))
      .param(ParamSpec::number("max_backoff_s").def("60").range(0, 3600).doc("longest wait before a retry"))
      .param(ParamSpec::number("temperature").def("0").range(0, 2).doc("sampling temperature sent to the model"))
      .param(ParamSpec::path("cassette")
                 .def("${LLM_CASSETTE:-data/llm/cassette.jsonl}")
                 .doc("replay: the recorded answers to use; record: true: where answers are appended"))
      .param(ParamSpec::flag("record").def("false").doc("gemini/openai: append every answer to `cassette`"))
      .param(ParamSpec::one_of("on_error", {"fail", "skip"})
                 .doc("an occupation still unanswered after the retries: fail the run (nothing is loaded; answers "
                      "so far stay cached) or skip it (it keeps O*NET values only). Default: settings.on_error, "
                      "else fail. A refused request (4xx other than 429: bad key, unknown model) always fails."))
      .param(ParamSpec::integer("max_consecutive_failures")
                 .def("20")
                 .range(0, 1000000)
                 .doc("on_error skip: this many occupations given up in a row fail the run anyway (the service "
                      "looks down); 0 = never"))
      .param(ParamSpec::list("scope")
                 .def("[2.A, 2.B]")
                 .doc("Content Model element id prefixes to rate (leaf elements below them); 2.A, 2.B = the 35 skills"))
      .param(ParamSpec::secret("cache")
                 .def(common::database_url_param_default())
                 .doc("database of the answer journal/cache (llm_assessments); `none` = no cache"))
      .param(ParamSpec::integer("limit")
                 .def("0")
                 .range(0, 1000000)
                 .doc("ask about at most this many occupations (every n-th in code order); 0 = all"))
      .param(ParamSpec::integer("references")
                 .def("3")
                 .range(0, 20)
                 .doc("similar other rated occupations whose O*NET LV values the prompt shows"))
      .param(ParamSpec::integer("folds").def("5").range(2, 50).doc("calibration: k of the k-fold held-out evaluation"))
      .param(ParamSpec::integer("min_calibration_pairs")
                 .def("30")
                 .range(2, 1000000)
                 .doc("calibration needs at least this many (rated occupation, element) answers; else levels stay raw"))
      .param(ParamSpec::number("se_floor")
                 .def("0.1")
                 .range(0, 7)
                 .doc("blend: O*NET standard errors below this count as this (29.2 has SE 0 on 1 LV row in 5)"))
      .param(ParamSpec::number("default_se")
                 .def("0.3")
                 .range(0.001, 7)
                 .doc("blend: standard error assumed where O*NET gives none (n/a); 0.3 ~ 90th percentile of 29.2 skill LV SEs"))
      .param(ParamSpec::number("progress_s").def("10").range(0.05, 3600).doc("seconds between progress log lines"))
      .input("in", "onet", "the validated O*NET stream (onet_validate's output)", true)
      .output("out", "onet", "the same stream with LLM values, LLM-only Skills rows, and an onet.llm_summary batch");
}

std::unique_ptr<dag::Node> make_enrich(const dag::NodeContext& ctx) { return std::make_unique<EnrichNode>(ctx); }

}  // namespace llm
