#pragma once
// Read side of the O*NET store for the gap lookup (and the one write the O*NET Web Services
// fallback needs). Every statement is parameterized; the SQL dialect differences stay here.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "nodes/gap/profile.hpp"
#include "nodes/sql/database.hpp"

namespace gap {

// Which dataset a set of profiles comes from: the latest completed load run.
struct DatasetVersion {
  std::int64_t load_run_id = 0;  // 0 = no completed load run
  std::string release;           // onet_release of that run, e.g. "29.2"
  bool operator==(const DatasetVersion&) const = default;
};

struct OccupationTexts;  // nodes/gap/occupation_texts.hpp

struct ProfileSet {
  DatasetVersion version;
  std::vector<ProfilePtr> profiles;  // every occupation, with or without ratings, by code
  // Their texts and the load's text-profile weights, read in the same transaction: what the
  // transitions ranking rebuilds its text index from (nodes/gap/similarity_view.hpp).
  std::shared_ptr<const OccupationTexts> texts;
};

struct OccupationSummary {
  std::string code;
  std::string title;
};

// One occupation as O*NET Web Services returned it, ready to store (source 'onet_api').
struct FetchedRating {
  std::string element_id, element_name, scale_id;
  std::optional<double> data_value, standard_error, lower_ci, upper_ci;
  std::optional<std::int64_t> n;
  std::optional<char> recommend_suppress, not_relevant;
  std::string date_updated, domain_source;
};
struct FetchedOccupation {
  std::string code, title, description;
  std::vector<FetchedRating> ratings;
};

// Title search semantics shared by the SQL query and the in-memory snapshot search: titles
// containing `q` (ASCII case-insensitive) or codes starting with it; titles starting with `q`
// first, then by title, then code. An empty `q` lists everything in that order.
bool title_matches(const std::string& title, const std::string& code, const std::string& q_lower);
bool title_search_less(const OccupationSummary& a, const OccupationSummary& b, const std::string& q_lower);

// True when `table` exists in the connected database (one loaded by an older dagrun may lack
// the newer tables; readers then read them as empty).
bool table_exists(soci::session& s, const std::string& table);

class ProfileRepository {
 public:
  // Throws std::invalid_argument for a malformed URL.
  explicit ProfileRepository(const std::string& database_url);
  virtual ~ProfileRepository();
  const sqldb::DatabaseUrl& url() const { return url_; }

  // Every method below throws sqldb::DatabaseUnavailable when the database cannot be reached
  // (the session is then dropped and reopened by the next call) and std::runtime_error with
  // the statement's context for anything else.
  // Virtual: the cache's polls, which tests replace with a database that fails on demand.
  virtual DatasetVersion latest_completed_run();
  virtual ProfileSet load_all();  // one consistent read (a single read transaction)
  std::optional<OccupationProfile> find(const std::string& code);
  std::vector<OccupationSummary> search_titles(const std::string& q, std::size_t limit);
  // Stores an occupation fetched from O*NET Web Services: occupations.source = 'onet_api'
  // when new (a locally known occupation keeps its row), ratings with value_source 'onet_api',
  // and any element or scale the store lacks. One transaction.
  void store_fetched(const FetchedOccupation& occ);

 private:
  template <class F>
  auto with_session(const char* what, F&& f) -> decltype(f(std::declval<soci::session&>()));

  sqldb::DatabaseUrl url_;
  std::mutex mu_;  // one session, used by one caller at a time (calls are rare: polls, misses)
  std::unique_ptr<soci::session> session_;
};

}  // namespace gap
