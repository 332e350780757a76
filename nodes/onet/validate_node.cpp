// onet_validate: checks every row against the reference tables and forwards what passed.
#include <spdlog/logger.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>
#include <set>

#include "nodes/onet/onet_nodes.hpp"
#include "nodes/onet/rejects_file.hpp"
#include "nodes/onet/validator.hpp"

namespace onet {

namespace {

class ValidateNode final : public dag::Node {
 public:
  explicit ValidateNode(const dag::NodeContext& ctx)
      : log_(ctx.log),
        policy_(on_error_policy(ctx)),
        rejects_path_(ctx.params.str("rejects_path")),
        max_listed_(static_cast<std::size_t>(ctx.params.integer("max_listed"))) {}

  void consume(const dag::InputRef&, const dag::BatchPtr& in, dag::Emitter& out) override {
    std::lock_guard lock(mu_);
    if (auto release = std::dynamic_pointer_cast<const ReleaseBatch>(in)) {
      forward_release(release, out);
      return;
    }
    auto table = dag::batch_cast<TableBatch>(in);
    if (table->release) forward_release(table->release, out);
    if (validator_.ready(table->table) && !held_back(table->table)) {
      check_and_forward(table, out);
    } else {
      pending_.push_back(std::move(table));  // waits for the tables its rows point into
    }
    forward_ready(out);
  }

  void finish(dag::Emitter&) override {
    std::lock_guard lock(mu_);
    if (!pending_.empty()) {
      std::set<std::string> waiting;
      for (const auto& t : pending_) waiting.insert(t->table);
      std::string tables;
      std::vector<std::string> refs;  // the missing references of all waiting tables, once each
      for (const auto& t : waiting) {
        tables += (tables.empty() ? "'" : ", '") + t + "'";
        for (auto& r : validator_.missing_references(t)) {
          if (std::find(refs.begin(), refs.end(), r) == refs.end()) refs.push_back(std::move(r));
        }
      }
      std::string missing;
      for (const auto& r : refs) missing += (missing.empty() ? "'" : ", '") + r + "'";
      throw std::runtime_error("cannot check table(s) " + tables + ": reference table(s) " + missing +
                               " never arrived complete; wire an onet_table node for each into this node");
    }
    // Chunks of different tables arrive interleaved in any order: sort so that the message and
    // the rejects file are the same on every run.
    std::stable_sort(problems_.begin(), problems_.end(), [](const RowProblem& a, const RowProblem& b) {
      return a.file != b.file ? a.file < b.file : a.line < b.line;
    });
    if (policy_ == OnError::Skip) {
      write_rejects_file(rejects_path_, problems_);
      if (log_) log_->info("{} rejected row(s) written to {}", problems_.size(), rejects_path_);
      return;
    }
    if (!problems_.empty()) throw std::runtime_error(failure_message());
  }

  std::map<std::string, std::int64_t> counters() const override {
    // Read by the progress thread while consume() may hold mu_: atomics only.
    return {{"checked_rows", checked_.load()}, {"rejected_rows", rejected_.load()}};
  }

 private:
  void forward_release(const std::shared_ptr<const ReleaseBatch>& r, dag::Emitter& out) {
    if (release_ == r) return;
    if (release_) {
      if (release_->release == r->release && release_->checksum == r->checksum) return;
      throw std::runtime_error("two different releases reached this node: " + release_->release + " (" + release_->location +
                               ") and " + r->release + " (" + r->location + ")");
    }
    release_ = r;
    out.emit(r);
  }

  // Forwards every held-back chunk whose references are now complete, in arrival order. A
  // forwarded reference table can make others ready (ETE Categories -> ETE), so after each
  // forward the scan starts again from the oldest chunk: continuing past a chunk skipped as not
  // ready could forward a later chunk of its table first (its last one, which closes the table).
  void forward_ready(dag::Emitter& out) {
    for (bool progress = true; progress && !out.cancelled();) {
      progress = false;
      for (auto it = pending_.begin(); it != pending_.end(); ++it) {
        if (!validator_.ready((*it)->table)) continue;
        auto next = std::move(*it);
        pending_.erase(it);
        check_and_forward(next, out);
        progress = true;
        break;
      }
    }
  }

  bool held_back(const std::string& table) const {
    return std::any_of(pending_.begin(), pending_.end(), [&](const auto& t) { return t->table == table; });
  }

  void check_and_forward(const std::shared_ptr<const TableBatch>& t, dag::Emitter& out) {
    auto result = validator_.check(t);
    checked_ += static_cast<std::int64_t>(t->rows() + t->rejects.size());
    rejected_ += static_cast<std::int64_t>(result.problems.size());
    for (auto& p : result.problems) problems_.push_back(std::move(p));
    out.emit(result.kept);
  }

  std::string failure_message() const {
    const std::size_t shown = std::min(problems_.size(), max_listed_);
    std::string m = std::to_string(problems_.size()) + " invalid row(s)";
    if (shown < problems_.size()) m += ", first " + std::to_string(shown);
    m += ":";
    for (std::size_t i = 0; i < shown; ++i) m += "\n  " + problems_[i].str();
    m += "\n(with on_error: skip they would be dropped and listed in " + rejects_path_ + ")";
    return m;
  }

  std::shared_ptr<spdlog::logger> log_;
  OnError policy_;
  std::string rejects_path_;
  std::size_t max_listed_;
  std::mutex mu_;
  Validator validator_;
  std::shared_ptr<const ReleaseBatch> release_;
  std::deque<std::shared_ptr<const TableBatch>> pending_;
  std::vector<RowProblem> problems_;
  std::atomic<std::int64_t> checked_{0}, rejected_{0};
};

}  // namespace

dag::NodeSpec validate_spec() {
  using dag::ParamSpec;
  return dag::NodeSpec("onet_validate")
      .describe(
          "Checks O*NET rows, each problem reported as file:line: reason: malformed SOC code (NN-NNNN.NN), "
          "duplicate keys in every table, a code not in Occupation Data, an element not in Content Model "
          "Reference or with another name there, an unknown scale, a value outside its scale's min/max (Scales "
          "Reference), a job zone not in Job Zone Reference, an ETE category not in Education, Training, and "
          "Experience Categories, a commodity code with two titles. Forwards the release first (once), then each "
          "table once the tables its rows point into are complete (Occupation Data, Content Model Reference, "
          "Scales Reference, Job Zone Reference, ETE Categories; earlier chunks are held back). Invalid rows are "
          "never forwarded: on_error=fail fails the run at the end listing them, on_error=skip writes them to "
          "rejects_path.")
      .param(ParamSpec::one_of("on_error", {"fail", "skip"})
                 .doc("fail: the run fails listing the first max_listed problems and the total; skip: bad rows "
                      "are dropped, written to rejects_path and counted as rejected_rows. Default: "
                      "settings.on_error, else fail."))
      .param(ParamSpec::path("rejects_path")
                 .def("data/rejects.tsv")
                 .doc("on_error=skip: TSV of rejected rows (file, line, reason, key), rewritten on every run."))
      .param(ParamSpec::integer("max_listed")
                 .def("20")
                 .range(1, 100000)
                 .doc("on_error=fail: how many problems the error message lists."))
      .input("in", "onet", "The release and every table to check (onet.release, onet.table).", true)
      .output("out", "onet", "The ReleaseBatch, then the TableBatches with invalid rows removed.");
}

std::unique_ptr<dag::Node> make_validate(const dag::NodeContext& ctx) { return std::make_unique<ValidateNode>(ctx); }

}  // namespace onet
