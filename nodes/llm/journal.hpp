#pragma once
// The answer journal and cache: table llm_assessments (schema/*.sql), one row per element
// answered (status ok) or given up on (status failed), on its own SOCI session — not the load's
// transaction — so that every finished occupation is durable at once and a killed run resumes.
//
// Cache key: provider, model, prompt_version, prompt_hash (of the occupation's full prompt):
// an element counts as answered when an ok row with that key exists (the latest one wins).
// Rows are written with run_id NULL: the load run that will use them does not exist yet.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nodes/sql/database.hpp"

namespace soci {
class session;
}

namespace llm {

struct JournalRow {
  std::string code, element_id, prompt_hash;
  std::optional<double> raw_level;
  std::string justification;
  std::string raw_response;
  std::optional<long long> latency_ms, prompt_tokens, completion_tokens;
  std::string status;  // ok | failed
  std::string created_at;
};

struct CachedAnswer {
  double raw_level = 0;
  std::string justification;
  std::optional<double> calibrated;  // calibrated_level as last stored
};

class Journal {
 public:
  // Opens the database (creating the schema when missing). Throws sqldb::DatabaseUnavailable or
  // std::runtime_error naming the redacted URL, never the password.
  Journal(const std::string& url, std::string provider, std::string model);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Every ok answer of this provider, model and prompt version: (code, prompt hash) -> element
  // -> answer (the latest row wins). Read once at the start; a worker then looks up the hash of
  // the prompt it just built.
  using Cache = std::map<std::pair<std::string, std::string>, std::map<std::string, CachedAnswer>>;
  Cache load();
  // One transaction.
  void write(const std::vector<JournalRow>& rows);
  // calibrated_level = clamp(intercept + slope * raw_level, lo, hi) on the ok rows of these
  // (occupation, prompt hash) keys — computed by the database, one statement per occupation
  // through the lookup index, instead of one per row (35,000 rows on the full release).
  void set_calibrated(double slope, double intercept, double lo, double hi,
                      const std::vector<std::pair<std::string, std::string>>& code_hash);
  const std::string& where() const { return url_.redacted; }

 private:
  [[noreturn]] void fail(const std::exception& e, const std::string& doing) const;
  sqldb::DatabaseUrl url_;
  std::string provider_, model_;
  std::mutex mu_;
  std::unique_ptr<soci::session> s_;
};

}  // namespace llm
