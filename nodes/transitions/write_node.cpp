// transitions_write: the rankings as a TSV (one row per source x target) and a JSONL file (one
// line per source: the `result` object GET /transitions answers with). Both are written whole
// under temporary names in finish() and renamed in commit(), so a failed run leaves any previous
// files untouched and a reader never sees half a file.
#include <unistd.h>

#include <spdlog/logger.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "nodes/gap/transitions_json.hpp"
#include "nodes/transitions/batches.hpp"
#include "nodes/transitions/nodes.hpp"

namespace transitions {

namespace {

namespace fs = std::filesystem;

// `text` into `path`.tmp-PID; returns the temporary name. Throws naming the path.
std::string stage(const std::string& path, const std::string& text) {
  fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec) throw std::runtime_error("cannot create the folder of " + path + ": " + ec.message());
  }
  std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok) {
    fs::remove(tmp, ec);
    throw std::runtime_error("cannot write " + tmp + " (disk full?)");
  }
  return tmp;
}

class WriteNode final : public dag::Node {
 public:
  WriteNode(std::string id, std::string tsv, std::string jsonl, std::shared_ptr<spdlog::logger> log)
      : id_(std::move(id)), tsv_(std::move(tsv)), jsonl_(std::move(jsonl)), log_(std::move(log)) {}
  ~WriteNode() override { discard(); }

  void consume(const dag::InputRef&, const dag::BatchPtr& in, dag::Emitter&) override {
    std::lock_guard lock(mu_);
    batches_.push_back(dag::batch_cast<ResultBatch>(in));
  }

  void finish(dag::Emitter&) override {
    std::lock_guard lock(mu_);
    // Sources by code, whatever order the chunks arrived in: the same input, the same files.
    std::vector<std::pair<const gap::TransitionResult*, const gap::DatasetVersion*>> all;
    for (const auto& b : batches_)
      for (const auto& r : b->results) all.emplace_back(&r, &b->version);
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first->from->code < b.first->from->code; });
    std::string tsv = gap::transitions_tsv_header(), jsonl;
    std::int64_t rows = 0;
    for (const auto& [r, v] : all) {
      gap::append_transitions_tsv(tsv, *r);
      rows += static_cast<std::int64_t>(r->transitions.size());
      if (!jsonl_.empty()) {
        gap::append_transitions_json(jsonl, *r, *v);
        jsonl += '\n';
      }
    }
    if (!tsv_.empty()) staged_.emplace_back(stage(tsv_, tsv), tsv_);
    if (!jsonl_.empty()) staged_.emplace_back(stage(jsonl_, jsonl), jsonl_);
    sources_ = static_cast<std::int64_t>(all.size());
    rows_ = rows;
  }

  void commit() override {
    std::lock_guard lock(mu_);
    for (const auto& [tmp, target] : staged_) {
      std::error_code ec;
      fs::rename(tmp, target, ec);
      if (ec) throw std::runtime_error("cannot move " + tmp + " to " + target + ": " + ec.message());
      if (log_) log_->info("{}: wrote {}", id_, target);
    }
    staged_.clear();
  }

  void abort() noexcept override {
    std::lock_guard lock(mu_);
    discard();
  }

  std::map<std::string, std::int64_t> counters() const override { return {{"sources", sources_.load()}, {"rows", rows_.load()}}; }

 private:
  void discard() noexcept {
    for (const auto& [tmp, target] : staged_) {
      std::error_code ec;
      fs::remove(tmp, ec);
    }
    staged_.clear();
  }

  std::string id_, tsv_, jsonl_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex mu_;
  std::vector<std::shared_ptr<const ResultBatch>> batches_;
  std::vector<std::pair<std::string, std::string>> staged_;  // temporary name, target
  std::atomic<std::int64_t> sources_{0}, rows_{0};
};

}  // namespace

dag::NodeSpec write_spec() {
  using dag::ParamSpec;
  return dag::NodeSpec("transitions_write")
      .describe(
          "Writes the rankings to a TSV (header, then one row per source x target: codes, titles, rank, score and its "
          "parts, similarities, job zones, gap count, weighted gap, estimated, top gaps as id=gap) and a JSONL file (one "
          "line per source: the result object GET /transitions answers with), sources by code. Both are staged under "
          "temporary names and renamed only when the whole run succeeded.")
      .param(ParamSpec::path("tsv").def("data/transitions.tsv").doc("TSV output path (empty: no TSV)"))
      .param(ParamSpec::path("jsonl").def("data/transitions.jsonl").doc("JSONL output path (empty: no JSONL)"))
      .input("transitions", "transitions.result", "rankings (transitions_rank)", true);
}

std::unique_ptr<dag::Node> make_write(const dag::NodeContext& ctx) {
  auto tsv = ctx.params.str("tsv"), jsonl = ctx.params.str("jsonl");
  if (tsv.empty() && jsonl.empty()) {
    throw std::invalid_argument(ctx.pos.str() + ": node '" + ctx.id + "': set at least one of 'tsv' and 'jsonl'");
  }
  return std::make_unique<WriteNode>(ctx.id, std::move(tsv), std::move(jsonl), ctx.log);
}

}  // namespace transitions
