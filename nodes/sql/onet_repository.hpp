#pragma once
// Every SQL statement that writes the O*NET dataset. A load replaces the dataset inside one
// transaction on one session:
//   begin()     BEGIN; a 'running' load_runs row; rows fetched by the O*NET API fallback
//               (source 'onet_api') set aside in temporary tables when kept; the dataset
//               tables emptied (DELETE, so the old rows stay visible to every other
//               connection until COMMIT);
//   add(...)    batched, parameterized INSERTs (BulkInsert);
//   complete()  last batches, kept API rows put back where the release has no row of its own,
//               load_runs row completed with counts — still uncommitted;
//   commit()    COMMIT: readers switch from the old dataset to the new one at once.
// rollback() restores the old dataset; record_failed_run() then notes the failure separately.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "nodes/estimate/batches.hpp"
#include "nodes/onet/batches.hpp"
#include "nodes/sql/bulk_insert.hpp"
#include "nodes/sql/database.hpp"

namespace sqldb {

struct LoadRunInfo {
  std::string pipeline = "unknown";  // pipeline file name
  std::string release = "unknown";   // O*NET release label, e.g. "29.2"
  std::string source = "unknown";    // folder, zip or URL the release came from (no credentials)
  std::string checksum;              // empty -> NULL
  std::string started_at;            // ISO-8601 UTC
  std::string llm_summary;           // JSON of llm_enrich's onet.llm_summary batch; empty -> NULL
  std::string estimate_summary;      // JSON of text_estimate's parameters and validation; empty -> NULL
};

struct LoadCounts {
  // Rows in the tables after the load (what readers see once it is committed).
  long long occupations = 0, elements = 0, scales = 0, ratings = 0;
  // The tables of schema version 2 (0 for a table the release or the pipeline lacks).
  long long task_statements = 0, alternate_titles = 0, reported_titles = 0, job_zones = 0, job_zone_reference = 0,
            level_scale_anchors = 0, technology_skills = 0, technology_commodities = 0, ete_ratings = 0, ete_categories = 0;
  // Of those, rows kept from the O*NET API fallback.
  long long kept_api_occupations = 0, kept_api_ratings = 0;
  long long rejected = 0;
};

// "skills" (2.A basic, 2.B cross-functional), "knowledge" (2.C), "abilities" (1.A), "other".
std::string element_domain(const std::string& element_id);

class OnetRepository {
 public:
  // keep_api_rows: occupations and ratings whose source is 'onet_api' survive the reload unless
  // the release now has a row with the same key.
  OnetRepository(soci::session& s, Dialect dialect, const BulkInsertOptions& insert, bool keep_api_rows);
  ~OnetRepository();
  OnetRepository(const OnetRepository&) = delete;
  OnetRepository& operator=(const OnetRepository&) = delete;

  // Returns the new load_runs.run_id.
  long long begin(const LoadRunInfo& info);

  // Parents first: the caller adds a table's rows only after every table they reference
  // (onet::references_of) was added completely; add() of a referring table first writes every
  // parent row staged so far. Technology rows also write their commodities
  // (technology_commodities, one row per commodity code) first.
  void add(const std::vector<onet::OccupationRow>& rows, const std::string& file);
  void add(const std::vector<onet::ElementRow>& rows, const std::string& file);
  void add(const std::vector<onet::ScaleRow>& rows, const std::string& file);
  void add(const std::vector<onet::RatingRow>& rows, const std::string& file);
  void add(const std::vector<onet::TaskRow>& rows, const std::string& file);
  void add(const std::vector<onet::AlternateTitleRow>& rows, const std::string& file);
  void add(const std::vector<onet::ReportedTitleRow>& rows, const std::string& file);
  void add(const std::vector<onet::JobZoneReferenceRow>& rows, const std::string& file);
  void add(const std::vector<onet::JobZoneRow>& rows, const std::string& file);
  void add(const std::vector<onet::AnchorRow>& rows, const std::string& file);
  void add(const std::vector<onet::TechnologyRow>& rows, const std::string& file);
  void add(const std::vector<onet::EteCategoryRow>& rows, const std::string& file);
  void add(const std::vector<onet::EteRow>& rows, const std::string& file);
  // text_estimate's estimates and neighbours (after every occupation, element and scale).
  void add(const estimate::EstimateBatch& estimates);
  long long estimates_written() const;

  // Rows sent to the database so far (file rows only), for live counters.
  long long occupations_written() const;
  long long elements_written() const;
  long long scales_written() const;
  long long ratings_written() const;
  LoadCounts written() const;  // every table; kept API rows and rejected left at 0

  LoadCounts complete(const LoadRunInfo& info, long long rejected);
  void commit();
  // Best effort (the connection may be gone); returns false with `error` set when it failed.
  bool rollback(std::string& error) noexcept;
  bool in_transaction() const { return in_tx_; }
  long long run_id() const { return run_id_; }
  const char* insert_method() const { return ratings_ ? ratings_->method() : "?"; }

  // A 'failed' load_runs row in its own transaction; returns its run_id.
  static long long record_failed_run(soci::session& s, Dialect dialect, const LoadRunInfo& info, const std::string& message);

 private:
  // The tables of schema version 2, parents before children.
  enum Extra {
    kTasks,
    kAlternateTitles,
    kReportedTitles,
    kJobZoneReference,
    kJobZones,
    kAnchors,
    kCommodities,
    kTechnologies,
    kEteCategories,
    kEte,
    kExtraCount
  };

  void exec(const std::string& sql);
  long long count(const std::string& table);
  void flush_parents();
  BulkInsert& extra(Extra t) { return *extra_[t]; }
  long long extra_written(Extra t) const { return extra_[t] ? static_cast<long long>(extra_[t]->rows_written()) : 0; }

  soci::session& s_;
  Dialect dialect_;
  BulkInsertOptions insert_;
  bool keep_api_rows_;
  bool in_tx_ = false;
  long long run_id_ = -1;
  std::unique_ptr<BulkInsert> occupations_, elements_, scales_, ratings_;
  std::unique_ptr<BulkInsert> extra_[kExtraCount];
  std::unique_ptr<BulkInsert> estimates_, neighbours_;
  std::unordered_set<std::int64_t> commodities_;  // commodity codes staged in this load
};

}  // namespace sqldb
