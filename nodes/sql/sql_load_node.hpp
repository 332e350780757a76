#pragma once
// sql_load: the sink that replaces the O*NET dataset in the database (see README.md).
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "engine/node.hpp"
#include "nodes/onet/batches.hpp"
#include "nodes/sql/database.hpp"
#include "nodes/estimate/batches.hpp"
#include "nodes/sql/onet_repository.hpp"

namespace sqldb {

class SqlLoadNode final : public dag::Node {
 public:
  explicit SqlLoadNode(const dag::NodeContext& ctx);
  ~SqlLoadNode() override;

  void consume(const dag::InputRef& in, const dag::BatchPtr& batch, dag::Emitter& out) override;
  void finish(dag::Emitter& out) override;
  void commit() override;
  void abort() noexcept override;
  std::map<std::string, std::int64_t> counters() const override;

 private:
  void start();  // first batch: connect, create/migrate the schema, begin the replacing transaction
  void write(const onet::TableBatch& t, bool count_rejects = true);
  void write_deferred();
  void note_complete(const onet::TableBatch& t);
  // The tables `t`'s rows reference (onet::references_of) that are not complete here yet.
  std::vector<std::string> missing_parents(const onet::TableBatch& t) const;
  void note_release(const onet::ReleaseBatch& r);
  void update_counters();
  [[noreturn]] void fail(const std::exception& e, const std::string& doing);
  void log_info(const std::string& msg) const;
  void log_warn(const std::string& msg) const;

  std::string id_;
  std::shared_ptr<spdlog::logger> log_;
  DatabaseUrl url_;
  BulkInsertOptions insert_;
  bool keep_api_rows_;

  std::mutex mu_;  // the session is not thread-safe; consume() may be called from any thread
  std::unique_ptr<soci::session> session_;
  std::unique_ptr<OnetRepository> repo_;
  LoadRunInfo info_;
  bool release_seen_ = false;
  std::set<std::string> tables_seen_, tables_complete_;
  std::deque<std::shared_ptr<const onet::TableBatch>> deferred_;
  std::shared_ptr<const estimate::EstimateBatch> estimates_;  // written in finish()  // chunks waiting for parents
  long long rejected_ = 0;
  bool completed_ = false, committed_ = false;
  bool session_broken_ = false;  // the connection failed: abort() reconnects to record the run
  std::string failure_;          // our own error, recorded with the failed load run

  std::atomic<std::int64_t> occupations_{0}, elements_{0}, scales_{0}, ratings_{0}, kept_api_occupations_{0},
      kept_api_ratings_{0}, rejected_count_{0}, run_id_{-1};
  std::atomic<std::int64_t> extra_[10] = {};  // rows of the schema-2 tables, in extra_counts order
};

}  // namespace sqldb
