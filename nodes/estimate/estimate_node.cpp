#include "nodes/estimate/estimate_node.hpp"

#include <spdlog/logger.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "engine/registry.hpp"
#include "nodes/estimate/batches.hpp"
#include "nodes/estimate/estimator.hpp"
#include "nodes/estimate/kernel_ridge.hpp"
#include "nodes/estimate/median_calibration.hpp"
#include "nodes/estimate/profile_text.hpp"
#include "nodes/estimate/validation.hpp"
#include "nodes/onet/batches.hpp"

namespace estimate {

namespace {

std::string element_domain(const std::string& element_id) {
  if (element_id.rfind("2.A", 0) == 0 || element_id.rfind("2.B", 0) == 0) return "skills";
  if (element_id.rfind("2.C", 0) == 0) return "knowledge";
  if (element_id.rfind("1.A", 0) == 0) return "abilities";
  return "other";
}

// The O*NET values of the rating tables in `tables`, as a matrix over the documents.
RatingMatrix rating_matrix(const std::vector<std::shared_ptr<const onet::TableBatch>>& tables, const TextProfiles& profiles,
                           const std::set<std::string>& rating_tables) {
  std::map<std::string, std::pair<double, double>> ranges;  // scale id -> (min, max)
  for (const auto& t : tables)
    for (const auto& s : t->scales) ranges[s.scale_id] = {s.minimum, s.maximum};
  RatingMatrix m;
  std::map<std::pair<std::string, std::string>, std::size_t> col;
  struct Cell {
    std::size_t doc, col;
    double v;
  };
  std::vector<Cell> cells;
  for (const auto& t : tables) {
    if (!rating_tables.count(t->table)) continue;
    for (const auto& r : t->ratings) {
      if (r.value_source == "llm") continue;  // only O*NET's own measurements
      if (r.scale_id != "LV" && r.scale_id != "IM") continue;
      auto d = profiles.index.find(r.code);
      if (d == profiles.index.end()) continue;
      auto [it, added] = col.emplace(std::make_pair(r.element_id, r.scale_id), m.columns.size());
      if (added) {
        Column c{r.element_id, r.scale_id, element_domain(r.element_id)};
        auto range = ranges.find(r.scale_id);
        if (range != ranges.end()) {
          c.minimum = range->second.first;
          c.maximum = range->second.second;
        } else {
          c.minimum = r.scale_id == "IM" ? 1 : 0;
          c.maximum = r.scale_id == "IM" ? 5 : 7;
        }
        m.columns.push_back(std::move(c));
      }
      cells.push_back({d->second, it->second, r.value});
    }
  }
  m.values.assign(profiles.documents.size() * m.columns.size(), kNaN);
  for (const auto& c : cells) m.values[c.doc * m.columns.size() + c.col] = c.v;
  return m;
}

std::string fmt(const char* f, double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

class EstimateNode final : public dag::Node {
 public:
  explicit EstimateNode(const dag::NodeContext& ctx) : id_(ctx.id), log_(ctx.log) {
    const auto& p = ctx.params;
    opts_.k = static_cast<std::size_t>(p.integer("k"));
    opts_.power = p.number("power");
    opts_.job_zone_adjust = p.flag("job_zone_adjust");
    opts_.sd_floor = p.number("sd_floor");
    coverage_ = p.number("interval_coverage");
    method_ = p.str("method");
    ridge_.lambda = p.number("ridge_lambda");
    ridge_.constant = p.number("ridge_constant");
    ridge_.text_weight = p.number("text_kernel_weight");
    ridge_.lsa_weight = p.number("lsa_kernel_weight");
    ridge_.lsa_dims = static_cast<std::size_t>(p.integer("lsa_dims"));
    ridge_.lsa_coarse_weight = p.number("lsa_coarse_kernel_weight");
    ridge_.lsa_coarse_dims = static_cast<std::size_t>(p.integer("lsa_coarse_dims"));
    ridge_.lsa_idf_power = p.number("lsa_idf_power");
    ridge_.soc_major_weight = p.number("soc_major_kernel_weight");
    ridge_.soc_minor_weight = p.number("soc_minor_kernel_weight");
    ridge_.soc_broad_weight = p.number("soc_broad_kernel_weight");
    ridge_.zone_weight = p.number("zone_kernel_weight");
    ridge_.rating_space_k = static_cast<std::size_t>(p.integer("rating_space_k"));
    ridge_.rating_space_tau = p.number("rating_space_tau");
    ridge_.rating_space_share = p.number("rating_space_share");
    median_.bins = static_cast<std::size_t>(p.integer("median_bins"));
    median_.shrink = p.number("median_shrink");
    // The ridge's zone kernel takes the place of the neighbours' job-zone adjustment (whose
    // cross-fitted slopes cost most of the neighbours method's time).
    if (method_ == "kernel_ridge") opts_.job_zone_adjust = false;
    weights_.title = p.number("title_weight");
    weights_.description = p.number("description_weight");
    weights_.core_task = p.number("core_task_weight");
    weights_.supplemental_task = p.number("supplemental_task_weight");
    weights_.alternate_title = p.number("alternate_title_weight");
    weights_.reported_title = p.number("reported_title_weight");
    for (const auto& t : p.list("tables")) tables_wanted_.insert(t);
    if (tables_wanted_.empty()) {
      throw std::invalid_argument(p.pos("tables").str() + ": parameter 'tables': name at least one rating table");
    }
  }

  // Every batch goes on at once; the estimates follow at the end, once every table is in.
  void consume(const dag::InputRef&, const dag::BatchPtr& batch, dag::Emitter& out) override {
    if (auto t = std::dynamic_pointer_cast<const onet::TableBatch>(batch)) {
      std::lock_guard lock(mu_);
      tables_.push_back(std::move(t));
    }
    out.emit(batch);
  }

  void finish(dag::Emitter& out) override {
    std::lock_guard lock(mu_);
    const auto t0 = std::chrono::steady_clock::now();
    // Chunks arrive in whatever order the graph's threads deliver them. Put them in file order
    // first, so that every run sums the same numbers in the same order and gives bit-identical
    // estimates (the median calibration's bins make a last-bit difference visible).
    std::stable_sort(tables_.begin(), tables_.end(), [](const auto& a, const auto& b) {
      return a->table != b->table ? a->table < b->table : a->first_line() < b->first_line();
    });
    TextProfiles profiles = build_text_profiles(tables_, weights_);
    if (profiles.documents.empty()) {
      if (log_) log_->warn("{}: no Occupation Data rows arrived; no estimates", id_);
      return;
    }
    RatingMatrix ratings = rating_matrix(tables_, profiles, tables_wanted_);
    if (ratings.columns.empty()) {
      if (log_) log_->warn("{}: none of the rating tables {} arrived; no estimates", id_, tables_list());
      return;
    }
    Tokenizer tokenizer;
    TextIndex index(profiles.documents, tokenizer);
    if (out.cancelled()) return;
    Estimator estimator(index, ratings, profiles.job_zones, opts_);
    std::vector<OccupationEstimate> all;
    all.reserve(index.size());
    for (std::size_t d = 0; d < index.size(); ++d) all.push_back(estimator.estimate(d));
    if (method_ == "kernel_ridge") {
      if (out.cancelled()) return;
      apply_kernel_ridge(index, profiles, ratings, all);
    }
    std::vector<int> folds(index.size(), -1);
    for (std::size_t d = 0; d < index.size(); ++d) folds[d] = estimator.fold(d);
    // The median shift comes before the intervals: they are calibrated around the final value.
    calibrate_medians(ratings, all, folds, estimator.folds(), median_);
    const auto factors = calibrate_intervals(ratings, all, coverage_, folds, estimator.folds());
    auto metrics = validate(ratings, all);

    auto batch = std::make_shared<EstimateBatch>();
    std::size_t rated = 0;
    for (const auto& e : all) {
      OccupationEstimates o;
      o.code = profiles.documents[e.doc].code;
      o.rated = estimator.rated(e.doc);
      rated += o.rated;
      for (const auto& n : e.neighbours) o.neighbours.push_back({profiles.documents[n.doc].code, n.similarity});
      for (std::size_t c = 0; c < ratings.columns.size(); ++c) {
        const auto& v = e.values[c];
        if (!v.valid()) continue;
        o.values.push_back({ratings.columns[c].element_id, ratings.columns[c].scale_id, v.value, v.sd, v.lower, v.upper});
      }
      batch->occupations.push_back(std::move(o));
    }
    batch->validation = metrics;
    batch->summary_json = summary_json(metrics, factors, index);
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    compute_ms_ = static_cast<std::int64_t>(seconds_ * 1000);
    occupations_ = static_cast<std::int64_t>(batch->occupations.size());
    rated_ = static_cast<std::int64_t>(rated);
    terms_ = static_cast<std::int64_t>(index.terms());
    metrics_ = metrics;
    for (const auto& line : summary()) {
      if (log_) log_->info("{}: {}", id_, line);
    }
    out.emit(batch);
  }

  std::map<std::string, std::int64_t> counters() const override {
    // compute_ms: the estimation itself (index, neighbours, estimates, validation), without the
    // time spent waiting for and passing on the tables.
    return {{"occupations", occupations_.load()},
            {"rated", rated_.load()},
            {"terms", terms_.load()},
            {"compute_ms", compute_ms_.load()}};
  }

  std::vector<std::string> summary() const override {
    std::vector<std::string> lines;
    if (metrics_.empty()) return lines;
    lines.push_back("leave-one-out validation of the text estimates (k=" + std::to_string(opts_.k) + ", " +
                    std::to_string(rated_.load()) + " rated of " + std::to_string(occupations_.load()) + " occupations, " +
                    fmt("%.2f", seconds_) + " s):");
    for (const auto& m : metrics_) {
      lines.push_back("  " + m.domain + " " + m.scale_id + ": MAE " + fmt("%.3f", m.mae) + " (element mean " +
                      fmt("%.3f", m.baseline_mae) + "), bias " + fmt("%+.3f", m.bias) + ", r " + fmt("%.3f", m.correlation) +
                      ", " + fmt("%.0f", coverage_ * 100) + " % interval coverage " + fmt("%.3f", m.coverage) + ", n " +
                      std::to_string(m.n));
    }
    return lines;
  }

 private:
  // The kernel-ridge point estimates replace the neighbours' means (method kernel_ridge); the
  // neighbours, and the sd from their spread, stay: the sd is then scaled to the new estimates'
  // own leave-one-out errors by calibrate_intervals. A job zone O*NET does not give is taken
  // from the text neighbours (their weighted mean), as the zone kernel needs one for everyone.
  void apply_kernel_ridge(const TextIndex& index, const TextProfiles& profiles, const RatingMatrix& ratings,
                          std::vector<OccupationEstimate>& all) const {
    KernelInputs in;
    in.cosine = index.matrix();
    in.lsa_cosine = index.cosine(ridge_.lsa_idf_power);
    for (const auto& d : profiles.documents) in.codes.push_back(d.code);
    in.zones.resize(index.size(), 3);
    for (std::size_t d = 0; d < index.size(); ++d) {
      const int z = d < profiles.job_zones.size() ? profiles.job_zones[d] : 0;
      if (z > 0) {
        in.zones[d] = z;
        continue;
      }
      double sw = 0, swz = 0;
      for (const auto& n : all[d].neighbours) {
        const int nz = n.doc < profiles.job_zones.size() ? profiles.job_zones[n.doc] : 0;
        if (nz <= 0) continue;
        sw += n.weight;
        swz += n.weight * nz;
      }
      if (sw > 0) in.zones[d] = swz / sw;
    }
    const auto values = kernel_ridge_estimates(in, ratings, ridge_);
    const std::size_t m = ratings.columns.size();
    for (auto& e : all) {
      for (std::size_t c = 0; c < m; ++c) {
        const double v = values[e.doc * m + c];
        if (e.values[c].valid() && !std::isnan(v)) e.values[c].value = v;
      }
    }
  }

  std::string tables_list() const {
    std::string s;
    for (const auto& t : tables_wanted_) s += (s.empty() ? "'" : ", '") + t + "'";
    return s;
  }

  std::string summary_json(const std::vector<Metrics>& metrics, const std::map<std::string, double>& factors,
                           const TextIndex& index) const {
    nlohmann::json j;
    j["method"] = method_;
    if (method_ == "kernel_ridge") {
      j["kernel_ridge"] = {{"lambda", ridge_.lambda},
                           {"constant", ridge_.constant},
                           {"text_kernel_weight", ridge_.text_weight},
                           {"lsa_kernel_weight", ridge_.lsa_weight},
                           {"lsa_dims", ridge_.lsa_dims},
                           {"lsa_coarse_kernel_weight", ridge_.lsa_coarse_weight},
                           {"lsa_coarse_dims", ridge_.lsa_coarse_dims},
                           {"lsa_idf_power", ridge_.lsa_idf_power},
                           {"soc_major_kernel_weight", ridge_.soc_major_weight},
                           {"soc_minor_kernel_weight", ridge_.soc_minor_weight},
                           {"soc_broad_kernel_weight", ridge_.soc_broad_weight},
                           {"zone_kernel_weight", ridge_.zone_weight},
                           {"rating_space_k", ridge_.rating_space_k},
                           {"rating_space_tau", ridge_.rating_space_tau},
                           {"rating_space_share", ridge_.rating_space_share}};
    }
    j["median_calibration"] = {{"bins", median_.bins}, {"shrink", median_.shrink}};
    j["k"] = opts_.k;
    j["power"] = opts_.power;
    j["job_zone_adjust"] = opts_.job_zone_adjust;
    j["sd_floor"] = opts_.sd_floor;
    j["interval_coverage"] = coverage_;
    j["interval_factors"] = factors;
    j["weights"] = {{"title", weights_.title},
                    {"description", weights_.description},
                    {"core_task", weights_.core_task},
                    {"supplemental_task", weights_.supplemental_task},
                    {"alternate_title", weights_.alternate_title},
                    {"reported_title", weights_.reported_title}};
    j["terms"] = index.terms();
    j["validation"] = nlohmann::json::array();
    for (const auto& m : metrics) {
      j["validation"].push_back({{"domain", m.domain},
                                 {"scale_id", m.scale_id},
                                 {"n", m.n},
                                 {"mae", m.mae},
                                 {"bias", m.bias},
                                 {"correlation", m.correlation},
                                 {"coverage", m.coverage},
                                 {"baseline_mae", m.baseline_mae}});
    }
    return j.dump();
  }

  std::string id_;
  std::shared_ptr<spdlog::logger> log_;
  EstimateOptions opts_;
  std::string method_;
  KernelRidgeOptions ridge_;
  MedianCalibrationOptions median_;
  FieldWeights weights_;
  double coverage_ = 0.8;
  std::set<std::string> tables_wanted_;
  std::mutex mu_;
  std::vector<std::shared_ptr<const onet::TableBatch>> tables_;
  std::vector<Metrics> metrics_;
  double seconds_ = 0;
  std::atomic<std::int64_t> occupations_{0}, rated_{0}, terms_{0}, compute_ms_{0};
};

}  // namespace

dag::NodeSpec estimate_spec() {
  using dag::ParamSpec;
  auto weight = [](const char* name, const char* def, const char* what) {
    return ParamSpec::number(name).def(def).range(0, 100).doc(std::string("Weight of ") + what +
                                                              " in the text profile (0 leaves it out).");
  };
  return dag::NodeSpec("text_estimate")
      .describe(
          "Estimates every occupation's skill and knowledge levels from its O*NET text: a TF-IDF index over each "
          "occupation's title, description, task statements, alternate and reported titles (Snowball-stemmed "
          "words), its k most similar rated occupations (never itself), and per element x scale an estimate "
          "(method kernel_ridge: kernel ridge regression on text, LSA, SOC and job-zone kernels, blended with "
          "the nearest rated occupations in rating space; method neighbours: the similarity-weighted mean of the "
          "k neighbours' O*NET values, adjusted for the job-zone difference), moved to the conditional median "
          "(median_bins), with a standard deviation and an "
          "interval calibrated to interval_coverage. Rated occupations are estimated the same way without their "
          "own values, which gives the leave-one-out validation printed at the end and stored in load_runs. "
          "Passes every batch through and adds one onet.estimates batch.")
      .param(ParamSpec::one_of("method", {"kernel_ridge", "neighbours"})
                 .def("kernel_ridge")
                 .doc("kernel_ridge: kernel ridge regression on the text, LSA, SOC and job-zone kernels, blended with "
                      "rating-space neighbours (nodes/estimate/kernel_ridge.hpp); neighbours: the similarity-weighted "
                      "mean of the k text neighbours with the job-zone adjustment. Either way the neighbours are "
                      "listed and the interval is calibrated."))
      .param(ParamSpec::integer("k").def("15").range(1, 200).doc("Neighbours per occupation."))
      .param(ParamSpec::number("power").def("2").range(0, 10).doc(
          "Neighbour weight = similarity ^ power (0: plain mean of the k neighbours)."))
      .param(ParamSpec::flag("job_zone_adjust")
                 .def("true")
                 .doc("neighbours: shift each estimate by the element's fitted slope times (job zone - neighbours' mean "
                      "job zone). kernel_ridge has the job zone in its kernel instead."))
      .param(ParamSpec::number("sd_floor")
                 .def("0.1")
                 .range(0, 10)
                 .doc("Added in quadrature to the neighbours' spread before calibration (neighbours that agree still leave "
                      "some uncertainty)."))
      .param(ParamSpec::number("interval_coverage")
                 .def("0.8")
                 .range(0.5, 0.99)
                 .doc("Share of O*NET values the stated interval covers in the leave-one-out validation (the sd is scaled "
                      "per domain x scale to meet it)."))
      .param(ParamSpec::number("ridge_lambda").def("1.2").range(1e-6, 1000).doc("kernel_ridge: the ridge penalty λ."))
      .param(ParamSpec::number("ridge_constant")
                 .def("10")
                 .range(0, 1000)
                 .doc("kernel_ridge: the constant kernel (an intercept per element)."))
      .param(ParamSpec::number("text_kernel_weight").def("1").range(0, 100).doc("kernel_ridge: weight of the TF-IDF cosine."))
      .param(ParamSpec::number("lsa_kernel_weight")
                 .def("2")
                 .range(0, 100)
                 .doc("kernel_ridge: weight of the LSA cosine on lsa_dims dimensions."))
      .param(ParamSpec::integer("lsa_dims").def("50").range(1, 500).doc("kernel_ridge: dimensions of the LSA kernel."))
      .param(ParamSpec::number("lsa_coarse_kernel_weight")
                 .def("0.5")
                 .range(0, 100)
                 .doc("kernel_ridge: weight of the LSA cosine on lsa_coarse_dims dimensions."))
      .param(
          ParamSpec::integer("lsa_coarse_dims").def("20").range(1, 500).doc("kernel_ridge: dimensions of the coarse LSA kernel."))
      .param(ParamSpec::number("lsa_idf_power")
                 .def("0.7")
                 .range(0, 3)
                 .doc("kernel_ridge: the IDF is raised to this power in the matrix the LSA is taken from."))
      .param(ParamSpec::number("soc_major_kernel_weight")
                 .def("0.2")
                 .range(0, 100)
                 .doc("kernel_ridge: added for the same SOC major group (15)."))
      .param(ParamSpec::number("soc_minor_kernel_weight")
                 .def("0.1")
                 .range(0, 100)
                 .doc("kernel_ridge: added, on top, for the same minor group (15-1)."))
      .param(ParamSpec::number("soc_broad_kernel_weight")
                 .def("0.2")
                 .range(0, 100)
                 .doc("kernel_ridge: added, on top, for the same broad occupation (15-125)."))
      .param(ParamSpec::number("zone_kernel_weight")
                 .def("0.04")
                 .range(0, 100)
                 .doc("kernel_ridge: weight of the job-zone kernel (zone_a - 3)(zone_b - 3)."))
      .param(ParamSpec::integer("rating_space_k")
                 .def("10")
                 .range(1, 200)
                 .doc("kernel_ridge: rated occupations nearest to the estimate in rating space, averaged into it."))
      .param(ParamSpec::number("rating_space_tau")
                 .def("0.1")
                 .range(1e-6, 100)
                 .doc("kernel_ridge: their weights exp(-(d² - d²_min) / tau), d² the mean squared difference in column spreads."))
      .param(ParamSpec::number("rating_space_share")
                 .def("0.3")
                 .range(0, 1)
                 .doc("kernel_ridge: share of the rating-space mean in the final estimate (0: the ridge estimate alone)."))
      .param(ParamSpec::integer("median_bins")
                 .def("10")
                 .range(0, 100)
                 .doc("Conditional-median calibration (either method): per element x scale, the leave-one-out estimates "
                      "in this many equal-count bins; each estimate moves by the bins' cross-fitted median errors, "
                      "interpolated between the bins' median estimates, as the targets are absolute errors "
                      "(nodes/estimate/median_calibration.hpp). 0: off."))
      .param(ParamSpec::number("median_shrink")
                 .def("20")
                 .range(0, 10000)
                 .doc("Median calibration: a bin of n occupations moves by n / (n + median_shrink) of its median error."))
      .param(ParamSpec::list("tables").def("[Skills, Knowledge]").doc("Rating tables whose values are estimated."))
      .param(weight("title_weight", "3", "the occupation's title"))
      .param(weight("description_weight", "1", "its description"))
      .param(weight("core_task_weight", "1", "each Core task statement"))
      .param(weight("supplemental_task_weight", "0.5", "each Supplemental (or untyped) task statement"))
      .param(weight("alternate_title_weight", "0.3", "each alternate title"))
      .param(weight("reported_title_weight", "0.5", "each sample of reported titles"))
      .input("in", "onet", "The validated release: Occupation Data, rating tables, tasks, titles, job zones.", true)
      .output("out", "onet", "Every input batch unchanged, then one onet.estimates batch.");
}

std::unique_ptr<dag::Node> make_estimate(const dag::NodeContext& ctx) { return std::make_unique<EstimateNode>(ctx); }

}  // namespace estimate

namespace dag {
void register_estimate_nodes(Registry& r) { r.add(estimate::estimate_spec(), estimate::make_estimate); }
}  // namespace dag
