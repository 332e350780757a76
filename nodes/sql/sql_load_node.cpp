#include "nodes/sql/sql_load_node.hpp"

#include <algorithm>
#include <filesystem>

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "nodes/estimate/batches.hpp"
#include "nodes/llm/batches.hpp"
#include "nodes/onet/table_shapes.hpp"

namespace sqldb {

namespace {

// The counters of the tables of schema version 2, named like their tables.
std::vector<std::pair<std::string, long long>> extra_counts(const LoadCounts& c) {
  return {{"task_statements", c.task_statements},
          {"alternate_titles", c.alternate_titles},
          {"reported_titles", c.reported_titles},
          {"job_zones", c.job_zones},
          {"job_zone_reference", c.job_zone_reference},
          {"level_scale_anchors", c.level_scale_anchors},
          {"technology_skills", c.technology_skills},
          {"technology_commodities", c.technology_commodities},
          {"ete_ratings", c.ete_ratings},
          {"ete_categories", c.ete_categories}};
}

}  // namespace

SqlLoadNode::SqlLoadNode(const dag::NodeContext& ctx)
    : id_(ctx.id), log_(ctx.log), keep_api_rows_(ctx.params.flag("keep_api_rows")) {
  insert_.batch_rows = static_cast<std::size_t>(ctx.params.integer("batch_rows"));
  insert_.mysql = ctx.params.str("mysql_insert") == "multirow" ? MysqlInsert::MultiRow : MysqlInsert::ArrayBinding;
  try {
    url_ = DatabaseUrl::parse(ctx.params.str("database"));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(ctx.params.pos("database").str() + ": parameter 'database': " + e.what());
  }
  if (!ctx.pos.file.empty()) info_.pipeline = std::filesystem::path(ctx.pos.file).filename().string();
}

SqlLoadNode::~SqlLoadNode() {
  // Normally commit() or abort() ran; if not, never leave a transaction behind.
  if (repo_ && repo_->in_transaction()) {
    std::string err;
    repo_->rollback(err);
  }
}

void SqlLoadNode::log_info(const std::string& msg) const {
  if (log_) log_->info("{}", msg);
}

void SqlLoadNode::log_warn(const std::string& msg) const {
  if (log_) log_->warn("{}", msg);
}

void SqlLoadNode::fail(const std::exception& e, const std::string& doing) {
  std::string msg = url_.scrub(e.what());
  if (msg.find(url_.redacted) == std::string::npos) msg = doing + " " + url_.redacted + ": " + msg;
  failure_ = msg;
  if (is_unavailable_error(e)) {
    session_broken_ = true;
    throw DatabaseUnavailable(msg);
  }
  throw std::runtime_error(msg);
}

std::vector<std::string> SqlLoadNode::missing_parents(const onet::TableBatch& t) const {
  std::vector<std::string> out;
  // Rows of a table this node does not know by name (e.g. a test's) are checked like ratings.
  const bool known = onet::shape_of(t.table).has_value();
  if (!known && t.ratings.empty()) return out;
  for (auto p : onet::references_of(t.table)) {
    if (!tables_complete_.count(std::string(p))) out.emplace_back(p);
  }
  return out;
}

void SqlLoadNode::note_release(const onet::ReleaseBatch& r) {
  release_seen_ = true;
  if (!r.release.empty()) info_.release = r.release;
  if (!r.location.empty()) info_.source = r.location;
  info_.checksum = r.checksum;
}

void SqlLoadNode::start() {
  info_.started_at = utc_now_iso8601();
  session_ = open_session(url_);  // DatabaseUnavailable names the redacted URL already
  ensure_schema(*session_, url_.dialect);
  repo_ = std::make_unique<OnetRepository>(*session_, url_.dialect, insert_, keep_api_rows_);
  run_id_ = repo_->begin(info_);
  log_info("node '" + id_ + "': loading into " + url_.redacted + " (load run " + std::to_string(run_id_.load()) + ", " +
           repo_->insert_method() + ")");
}

void SqlLoadNode::update_counters() {
  if (!repo_) return;
  const LoadCounts c = repo_->written();
  occupations_ = c.occupations;
  elements_ = c.elements;
  scales_ = c.scales;
  ratings_ = c.ratings;
  const auto extra = extra_counts(c);
  for (std::size_t i = 0; i < extra.size(); ++i) extra_[i] = extra[i].second;
  rejected_count_ = rejected_;
}

void SqlLoadNode::write(const onet::TableBatch& t, bool count_rejects) {
  tables_seen_.insert(t.table);
  if (count_rejects) rejected_ += static_cast<long long>(t.rejects.size());
  if (!t.occupations.empty()) repo_->add(t.occupations, t.file);
  if (!t.elements.empty()) repo_->add(t.elements, t.file);
  if (!t.scales.empty()) repo_->add(t.scales, t.file);
  if (!t.ratings.empty()) repo_->add(t.ratings, t.file);
  if (!t.tasks.empty()) repo_->add(t.tasks, t.file);
  if (!t.alternate_titles.empty()) repo_->add(t.alternate_titles, t.file);
  if (!t.reported_titles.empty()) repo_->add(t.reported_titles, t.file);
  if (!t.job_zone_reference.empty()) repo_->add(t.job_zone_reference, t.file);
  if (!t.job_zones.empty()) repo_->add(t.job_zones, t.file);
  if (!t.anchors.empty()) repo_->add(t.anchors, t.file);
  if (!t.technologies.empty()) repo_->add(t.technologies, t.file);
  if (!t.ete_categories.empty()) repo_->add(t.ete_categories, t.file);
  if (!t.ete.empty()) repo_->add(t.ete, t.file);
}

void SqlLoadNode::note_complete(const onet::TableBatch& t) {
  if (!t.last) return;
  tables_complete_.insert(t.table);
}

// Writes every held chunk whose parents are now complete, in arrival order; repeated because a
// written parent can complete another held table's parents (ETE Categories -> ETE).
void SqlLoadNode::write_deferred() {
  for (bool progress = true; progress;) {
    progress = false;
    for (auto it = deferred_.begin(); it != deferred_.end();) {
      if (!missing_parents(**it).empty()) {
        ++it;
        continue;
      }
      auto t = std::move(*it);
      it = deferred_.erase(it);
      write(*t, false);
      note_complete(*t);
      progress = true;
    }
  }
}

void SqlLoadNode::consume(const dag::InputRef&, const dag::BatchPtr& batch, dag::Emitter&) {
  std::lock_guard lock(mu_);
  try {
    if (auto r = std::dynamic_pointer_cast<const onet::ReleaseBatch>(batch)) {
      note_release(*r);
      return;
    }
    if (auto l = std::dynamic_pointer_cast<const llm::LlmSummaryBatch>(batch)) {
      info_.llm_summary = l->json;  // written with the completed load run
      return;
    }
    if (auto e = std::dynamic_pointer_cast<const estimate::EstimateBatch>(batch)) {
      // Estimates point into occupations, elements and scales: written in finish(), after them.
      info_.estimate_summary = e->summary_json;
      estimates_ = std::move(e);
      return;
    }
    auto t = std::dynamic_pointer_cast<const onet::TableBatch>(batch);
    if (!t) {
      throw std::runtime_error("unexpected batch kind '" + std::string(batch ? batch->kind() : "null") +
                               "' (sql_load takes onet.table, onet.release, onet.llm_summary and onet.estimates)");
    }
    if (t->release) note_release(*t->release);
    if (!repo_) start();
    const bool held_table = std::any_of(deferred_.begin(), deferred_.end(), [&](const auto& d) { return d->table == t->table; });
    if (held_table || (t->rows() > 0 && !missing_parents(*t).empty())) {
      // Its rows reference tables not complete yet; keep the batch (shared, not copied) until
      // they are all written. onet_validate sends parents first, so this is rarely needed.
      tables_seen_.insert(t->table);
      rejected_ += static_cast<long long>(t->rejects.size());
      deferred_.push_back(t);
    } else {
      write(*t);
      note_complete(*t);
    }
    if (!deferred_.empty()) write_deferred();
    update_counters();
  } catch (const std::exception& e) {
    fail(e, "loading into");
  }
}

void SqlLoadNode::finish(dag::Emitter&) {
  std::lock_guard lock(mu_);
  try {
    if (!repo_) {
      throw std::runtime_error("no O*NET table arrived; refusing to replace the dataset with an empty one");
    }
    write_deferred();
    if (!deferred_.empty()) {
      std::set<std::string> held;
      std::vector<std::string> parents;
      for (const auto& t : deferred_) {
        held.insert(t->table);
        for (auto& p : missing_parents(*t)) {
          if (std::find(parents.begin(), parents.end(), p) == parents.end()) parents.push_back(std::move(p));
        }
      }
      std::string tables, missing;
      for (const auto& t : held) tables += (tables.empty() ? "'" : ", '") + t + "'";
      for (const auto& p : parents) missing += (missing.empty() ? "'" : ", '") + p + "'";
      throw std::runtime_error("rows of " + tables + " arrived but the table(s) " + missing +
                               " they reference did not (or not completely); connect them upstream");
    }
    if (repo_->occupations_written() == 0) {
      throw std::runtime_error(
          "the release has no occupations (no 'Occupation Data' rows); "
          "refusing to replace the dataset with it");
    }
    if (estimates_) {
      repo_->add(*estimates_);
      estimates_.reset();
    }
    auto c = repo_->complete(info_, rejected_);
    completed_ = true;
    update_counters();
    kept_api_occupations_ = c.kept_api_occupations;
    kept_api_ratings_ = c.kept_api_ratings;
    std::string more;
    for (const auto& [name, n] : extra_counts(c)) {
      if (n) more += ", " + std::to_string(n) + " " + name;
    }
    log_info("node '" + id_ + "': staged load run " + std::to_string(run_id_.load()) + " (" + std::to_string(c.occupations) +
             " occupations, " + std::to_string(c.elements) + " elements, " + std::to_string(c.scales) + " scales, " +
             std::to_string(c.ratings) + " ratings" + more + "); committing when the run succeeds");
  } catch (const std::exception& e) {
    fail(e, "loading into");
  }
}

void SqlLoadNode::commit() {
  std::lock_guard lock(mu_);
  if (!completed_ || !repo_) {
    failure_ = "commit() without a completed load";
    throw std::logic_error("node '" + id_ + "': " + failure_);
  }
  try {
    repo_->commit();
    committed_ = true;
    log_info("node '" + id_ + "': committed load run " + std::to_string(run_id_.load()) + " into " + url_.redacted);
  } catch (const std::exception& e) {
    fail(e, "committing the load into");
  }
  repo_.reset();
  session_.reset();
}

void SqlLoadNode::abort() noexcept {
  std::lock_guard lock(mu_);
  if (committed_) return;
  try {
    bool connection_lost = false;
    if (repo_ && repo_->in_transaction()) {
      std::string err;
      if (!repo_->rollback(err)) {
        connection_lost = true;
        log_warn("node '" + id_ + "': rollback on " + url_.redacted + " failed (" + url_.scrub(err) +
                 "); the server discards the unfinished transaction itself");
      }
    }
    repo_.reset();
    if (connection_lost || session_broken_) session_.reset();

    // The previous dataset is untouched; note the failed attempt in load_runs, in its own
    // transaction. Best effort: when the database is the reason of the failure this fails too.
    std::string message = failure_.empty() ? "the run failed in another node; nothing was loaded" : failure_;
    try {
      if (session_broken_) {
        // The database itself failed the load: another connection attempt would most likely
        // fail as well, after a connect timeout, and hold up the end of the run.
        throw DatabaseUnavailable("it was unreachable during the load");
      }
      if (!session_) {
        session_ = open_session(url_);
        ensure_schema(*session_, url_.dialect);
      }
      if (info_.started_at.empty()) info_.started_at = utc_now_iso8601();
      auto id = OnetRepository::record_failed_run(*session_, url_.dialect, info_, message);
      log_warn("node '" + id_ + "': load not committed; recorded as failed load run " + std::to_string(id) + " in " +
               url_.redacted);
    } catch (const std::exception& e) {
      log_warn("node '" + id_ + "': load not committed; could not record the failure in " + url_.redacted + ": " +
               url_.scrub(e.what()));
    }
  } catch (...) {
    // abort() must not throw; everything above is best effort after the rollback.
  }
  session_.reset();
}

std::map<std::string, std::int64_t> SqlLoadNode::counters() const {
  std::map<std::string, std::int64_t> c{{"occupations", occupations_.load()},
                                        {"elements", elements_.load()},
                                        {"scales", scales_.load()},
                                        {"ratings", ratings_.load()},
                                        {"rejected", rejected_count_.load()}};
  const auto names = extra_counts(LoadCounts{});
  for (std::size_t i = 0; i < names.size(); ++i) c[names[i].first] = extra_[i].load();
  if (run_id_.load() >= 0) c["load_run_id"] = run_id_.load();
  if (keep_api_rows_) {
    c["kept_api_occupations"] = kept_api_occupations_.load();
    c["kept_api_ratings"] = kept_api_ratings_.load();
  }
  return c;
}

}  // namespace sqldb
