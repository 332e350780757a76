// transitions_rank: every occupation of a gap.snapshot (or the listed ones) ranked by
// gap::rank_transitions — the function GET /transitions answers with, with the same options.
#include <spdlog/logger.h>

#include <atomic>

#include "nodes/gap/errors.hpp"
#include "nodes/gap/occupation_code.hpp"
#include "nodes/gap/transition_params.hpp"
#include "nodes/transitions/batches.hpp"
#include "nodes/transitions/nodes.hpp"

namespace transitions {

namespace {

class RankNode final : public dag::Node {
 public:
  explicit RankNode(const dag::NodeContext& ctx)
      : id_(ctx.id),
        log_(ctx.log),
        opts_(gap::transition_options(ctx.params)),
        chunk_(static_cast<std::size_t>(ctx.params.integer("chunk"))) {
    for (const auto& c : ctx.params.list("codes")) {
      auto code = gap::normalize_occupation_code(c);
      if (!code) {
        throw std::invalid_argument(ctx.params.pos("codes").str() + ": parameter 'codes': '" + c +
                                    "' is not an O*NET-SOC code (expected NN-NNNN.NN or NN-NNNN)");
      }
      codes_.push_back(*code);
    }
  }

  void consume(const dag::InputRef&, const dag::BatchPtr& in, dag::Emitter& out) override {
    auto snap = dag::batch_cast<SnapshotBatch>(in)->snapshot;
    const auto& view = snap->similarity();
    std::vector<std::string> codes = codes_;
    if (codes.empty()) {
      for (std::size_t i = 0; i < view.size(); ++i) codes.push_back(view.profile(i)->code);
    }
    auto batch = std::make_shared<ResultBatch>();
    batch->version = snap->version();
    for (const auto& code : codes) {
      if (out.cancelled()) return;
      try {
        batch->results.push_back(gap::rank_transitions(view, code, opts_));
        ranked_.fetch_add(1);
        targets_.fetch_add(static_cast<std::int64_t>(batch->results.back().transitions.size()));
        if (batch->results.back().transitions.empty()) empty_.fetch_add(1);
      } catch (const gap::UnknownOccupation&) {
        throw std::runtime_error("parameter 'codes': occupation " + code + " is not in load run " +
                                 std::to_string(snap->version().load_run_id));
      } catch (const gap::NoRatings& e) {
        // An explicit source without values for it, or a database without estimates: nothing to
        // rank from, as /transitions answers no_ratings. Counted, and left out of the output.
        if (no_ratings_.fetch_add(1) == 0 && log_) log_->info("{}: left out (no ratings): {}", id_, e.what());
      }
      if (batch->results.size() >= chunk_) {
        out.emit(std::move(batch));
        batch = std::make_shared<ResultBatch>();
        batch->version = snap->version();
      }
    }
    if (!batch->results.empty()) out.emit(std::move(batch));
  }

  std::map<std::string, std::int64_t> counters() const override {
    return {
        {"ranked", ranked_.load()}, {"targets", targets_.load()}, {"no_ratings", no_ratings_.load()}, {"empty", empty_.load()}};
  }

 private:
  std::string id_;
  std::shared_ptr<spdlog::logger> log_;
  gap::TransitionOptions opts_;
  std::size_t chunk_;
  std::vector<std::string> codes_;
  std::atomic<std::int64_t> ranked_{0}, targets_{0}, no_ratings_{0}, empty_{0};
};

}  // namespace

dag::NodeSpec rank_spec() {
  using dag::ParamSpec;
  dag::NodeSpec s("transitions_rank");
  s.describe(
      "Ranks where each occupation can move (the ranking of GET /transitions, nodes/gap/transitions.hpp): for every "
      "source occupation, the best `limit` other occupations by work similarity (text and rating profile), the "
      "importance-weighted gap to learn and the job-zone step, each with its top gaps. Sources without values under "
      "the requested source are left out (counter no_ratings).");
  for (auto& p : gap::transition_option_specs()) s.param(std::move(p));
  s.param(ParamSpec::list("codes").def("[]").doc("Source occupations to rank (NN-NNNN.NN or NN-NNNN); empty = every occupation"));
  s.param(ParamSpec::integer("chunk").def("64").range(1, 100000).doc("Source occupations per emitted batch"));
  s.input("snapshot", "gap.snapshot", "the dataset (profile_snapshot)");
  s.output("transitions", "transitions.result", "one ranking per source occupation, by code");
  return s;
}

std::unique_ptr<dag::Node> make_rank(const dag::NodeContext& ctx) { return std::make_unique<RankNode>(ctx); }

}  // namespace transitions
