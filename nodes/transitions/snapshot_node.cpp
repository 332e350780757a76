// profile_snapshot: the newest completed load run of a database, read once (one read
// transaction, as the API's cache reads it) into a gap.snapshot with its transitions view.
#include <spdlog/logger.h>

#include <atomic>
#include <chrono>

#include "nodes/gap/profile_repository.hpp"
#include "common/defaults.hpp"
#include "nodes/gap/similarity_view.hpp"
#include "nodes/transitions/batches.hpp"
#include "nodes/transitions/nodes.hpp"

namespace transitions {

namespace {

class SnapshotNode final : public dag::Node {
 public:
  SnapshotNode(std::string id, std::string url, std::shared_ptr<spdlog::logger> log)
      : id_(std::move(id)), url_(std::move(url)), log_(std::move(log)) {}

  bool produce(dag::Emitter& out) override {
    const auto t0 = std::chrono::steady_clock::now();
    gap::ProfileRepository repo(url_);  // throws std::invalid_argument on a malformed URL
    auto set = repo.load_all();
    if (set.version.load_run_id == 0) {
      throw std::runtime_error("no completed load run in " + repo.url().redacted +
                               " (load one first: dagrun run pipelines/full.yaml)");
    }
    auto b = std::make_shared<SnapshotBatch>();
    b->snapshot = std::make_shared<const gap::Snapshot>(set.version, std::move(set.profiles), nullptr, std::move(set.texts));
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    occupations_ = static_cast<std::int64_t>(b->snapshot->size());
    load_run_ = set.version.load_run_id;
    view_ms_ = static_cast<std::int64_t>(b->snapshot->similarity().build_seconds() * 1000);
    if (log_) {
      log_->info("{}: load run {} (O*NET {}) of {}: {} occupations, read and indexed in {} ms", id_, set.version.load_run_id,
                 set.version.release.empty() ? "?" : set.version.release, repo.url().redacted, occupations_.load(), ms);
    }
    out.emit(std::move(b));
    return false;
  }

  std::map<std::string, std::int64_t> counters() const override {
    return {{"occupations", occupations_.load()}, {"load_run_id", load_run_.load()}, {"view_ms", view_ms_.load()}};
  }

 private:
  std::string id_, url_;
  std::shared_ptr<spdlog::logger> log_;
  std::atomic<std::int64_t> occupations_{0}, load_run_{0}, view_ms_{0};
};

}  // namespace

dag::NodeSpec snapshot_spec() {
  using dag::ParamSpec;
  return dag::NodeSpec("profile_snapshot")
      .describe(
          "Reads the newest completed load run of a database (every occupation's profile, texts and the load's text "
          "weights, in one read transaction, as skillgap-api's cache does) and builds its transitions view: the text and "
          "rating similarity of every pair and the dense levels the ranking reads. Fails when the database holds no "
          "completed load run.")
      .param(ParamSpec::secret("database")
                 .def(common::database_url_param_default())
                 .doc("database URL: sqlite:PATH or mysql://user:pass@host:port/db"))
      .output("snapshot", "gap.snapshot", "the dataset with its transitions view");
}

std::unique_ptr<dag::Node> make_snapshot(const dag::NodeContext& ctx) {
  return std::make_unique<SnapshotNode>(ctx.id, ctx.params.str("database"), ctx.log);
}

}  // namespace transitions
