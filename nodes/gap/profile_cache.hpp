#pragma once
// Every occupation profile in memory, as one immutable snapshot swapped atomically: a request
// holds the snapshot it started with, so it never sees two datasets at once. A refresher checks
// the latest completed load run every few seconds and reloads when it changed; while the
// database is down the cache keeps serving what it has.
//
// Occupations missing locally (or without skill ratings) can come from a RemoteProfileSource
// (O*NET Web Services); what it returns is stored in the database and added to the snapshot,
// so the next request is served locally.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/periodic.hpp"
#include "nodes/gap/code_map.hpp"
#include "nodes/gap/explain.hpp"
#include "nodes/gap/profile.hpp"
#include "nodes/gap/profile_repository.hpp"
#include "nodes/gap/title_search.hpp"

namespace spdlog {
class logger;
}

namespace gap {

class SimilarityView;  // nodes/gap/similarity_view.hpp

// One /occupations hit: the occupation, and the title that matched (nodes/gap/title_search.hpp).
struct TitleHit {
  OccupationSummary occupation;
  TitleField field = TitleField::Title;
  std::string matched;  // the matching title as O*NET writes it (the code for a code match)
};

class Snapshot {
 public:
  // `explanations`: of the same load run (null = none). Builds the transitions view too
  // (similarity_view.hpp: ~0.5 s on O*NET 29.2, once per load run); `texts` nullptr: titles and
  // descriptions only.
  Snapshot(DatasetVersion version, std::vector<ProfilePtr> profiles, ExplanationsPtr explanations = nullptr,
           const std::shared_ptr<const OccupationTexts>& texts = nullptr);
  const DatasetVersion& version() const { return version_; }
  std::chrono::system_clock::time_point loaded_at() const { return loaded_at_; }
  std::size_t size() const { return by_code_.size(); }
  bool has_knowledge() const { return has_knowledge_; }  // any knowledge LV rating loaded
  ProfilePtr find(const std::string& code) const;
  // Same semantics as ProfileRepository::search_titles (see title_search_less): O*NET titles and
  // codes only. Lists the dataset in tests and tools.
  std::vector<OccupationSummary> search(const std::string& q, std::size_t limit) const;
  // GET /occupations: titles, alternate, short and reported titles, ranked (title_search.hpp).
  std::vector<TitleHit> find_titles(const std::string& q, std::size_t limit) const;
  // Level anchors, technologies, job zones, education and tasks (nodes/gap/explain.hpp).
  const Explanations& explanations() const { return *explanations_; }
  // A copy with `p` added or replaced (the fallback's additions). It shares this snapshot's
  // transitions view: an occupation fetched from O*NET Web Services is ranked from the next load.
  std::shared_ptr<const Snapshot> with(ProfilePtr p) const;
  // What GET /transitions ranks from (never null).
  const SimilarityView& similarity() const { return *similarity_; }

 private:
  struct NoView {};
  Snapshot(DatasetVersion version, std::vector<ProfilePtr> profiles, ExplanationsPtr explanations, NoView);
  struct TitleEntry {
    OccupationSummary summary;
    std::string lower_title;
    std::string normalized;  // normalize_title(title)
  };
  DatasetVersion version_;
  std::chrono::system_clock::time_point loaded_at_;
  CodeMap<ProfilePtr> by_code_;
  std::vector<TitleEntry> titles_;  // by code
  bool has_knowledge_ = false;
  ExplanationsPtr explanations_;
  std::shared_ptr<const SimilarityView> similarity_;
  std::shared_ptr<const TitleIndex> title_index_;  // never null
  // Per title_index_ entry, its occupation's position in titles_ (kNoTitle: not in this
  // snapshot), so that a hit costs no lookup by code.
  static constexpr std::uint32_t kNoTitle = 0xffffffffu;
  std::vector<std::uint32_t> entry_title_;
  void link_title_index();
  // Every lower_title, each followed by '\n', in titles_ order, and where each one starts (one
  // more entry: the end). find_titles searches a query in this one text instead of in 1,016
  // strings one by one: a search per title was most of a query's cost (a memchr and a memcmp
  // per occurrence of the query's first letter, in every title).
  std::string lower_all_;
  std::vector<std::uint32_t> lower_start_;
  struct Occurrence {
    bool found = false;          // q occurs in the title's lower_title (tier 10)
    bool at_word_start = false;  // one of those occurrences starts a word (tier 4)
  };
  // Per title of titles_, whether and how `q` occurs in its lower_title (nothing for an empty q).
  void occurrences(const std::string& q, std::vector<Occurrence>& out) const;
};
using SnapshotPtr = std::shared_ptr<const Snapshot>;

// Where occupations missing locally can be fetched from.
class RemoteProfileSource {
 public:
  virtual ~RemoteProfileSource() = default;
  // nullopt when the remote does not know the code; throws RemoteUnavailable when it cannot say.
  virtual std::optional<FetchedOccupation> fetch(const std::string& code) = 0;
};

class RemoteUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// No dataset could be loaded yet (the database was down since start-up).
class NotLoaded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CacheOptions {
  std::chrono::milliseconds check_interval{2000};  // how often the refresher looks for a new load run
  bool background_refresh = true;
  std::chrono::seconds negative_ttl{600};  // how long "the remote does not know it" is remembered
};

struct CacheStatus {
  bool loaded = false;         // a snapshot exists
  bool last_check_ok = false;  // the last database check (load or poll) succeeded
  std::string last_error;      // message of the last failed check (redacted URL)
  // While checks fail: when the first failed check of this outage happened (a cached dataset
  // is still served meanwhile). Empty once a check succeeds again.
  std::optional<std::chrono::system_clock::time_point> down_since;
  DatasetVersion version;
  std::size_t profiles = 0;
  std::uint64_t hits = 0, misses = 0, remote_fetches = 0, remote_not_found = 0, reloads = 0;
  double last_load_seconds = 0;
};

class ProfileCache {
 public:
  ProfileCache(std::shared_ptr<ProfileRepository> repo, CacheOptions opts = {},
               std::shared_ptr<RemoteProfileSource> remote = nullptr, std::shared_ptr<spdlog::logger> log = nullptr);
  ~ProfileCache();
  ProfileCache(const ProfileCache&) = delete;
  ProfileCache& operator=(const ProfileCache&) = delete;

  // Loads the dataset once (failures are recorded, not thrown: the refresher retries) and starts
  // the refresher when enabled. Returns whether a dataset is loaded.
  bool start();
  void stop();

  // Reloads when the latest completed load run differs from the snapshot's (or nothing is
  // loaded). Returns true when a new snapshot was installed. Throws what the repository throws.
  bool refresh();

  SnapshotPtr snapshot() const { return snap_.load(); }
  CacheStatus status() const;
  ProfileRepository& repository() { return *repo_; }
  bool has_remote() const { return remote_ != nullptr; }

  // The profile for a normalized code: from the snapshot; else, with a remote source, fetched,
  // stored and added. nullptr when unknown everywhere. A profile without skill ratings is
  // returned as is (the caller decides). Throws NotLoaded when no dataset is loaded and
  // RemoteUnavailable when the remote failed.
  // `pinned`: the snapshot the request started with (null: the current one).
  ProfilePtr lookup(const std::string& code, const SnapshotPtr& pinned = nullptr);
  // True when lookup(code) would go to the remote (lets a host move such requests off its
  // request threads).
  bool needs_remote(const std::string& code) const;

  // lookup() in its two halves, for callers that must not block (a quick node) and hand the
  // second half to a thread that may. find_local() never touches the network: the profile as
  // the snapshot has it (counted as a hit or a miss), and whether lookup() would now ask the
  // remote for it. fetch() is that remote half (blocks; throws RemoteUnavailable).
  struct LocalLookup {
    ProfilePtr profile;  // null: not in the snapshot
    bool fetch = false;  // lookup() would call the remote: finish with fetch(code, profile)
  };
  LocalLookup find_local(const std::string& code, const SnapshotPtr& pinned = nullptr);
  ProfilePtr fetch(const std::string& code, const ProfilePtr& local);

 private:
  bool wants_remote(const ProfilePtr& local) const;
  bool negative_cached(const std::string& code) const;
  ProfilePtr fetch_remote(const std::string& code, const ProfilePtr& local);
  void install(SnapshotPtr s);
  void record_check_ok();  // status: the check succeeded (logs when the database is back)

  std::shared_ptr<ProfileRepository> repo_;
  CacheOptions opts_;
  std::shared_ptr<RemoteProfileSource> remote_;
  std::shared_ptr<spdlog::logger> log_;

  std::atomic<SnapshotPtr> snap_;
  std::mutex write_mu_;  // serializes reloads and fallback additions

  mutable std::mutex status_mu_;
  bool last_check_ok_ = false;
  std::string last_error_;
  std::optional<std::chrono::system_clock::time_point> down_since_;
  double last_load_seconds_ = 0;
  std::atomic<std::uint64_t> hits_{0}, misses_{0}, remote_fetches_{0}, remote_not_found_{0}, reloads_{0};

  mutable std::mutex remote_mu_;
  std::map<std::string, std::shared_future<ProfilePtr>> in_flight_;
  std::map<std::string, std::chrono::steady_clock::time_point> not_found_until_;

  std::optional<common::Periodic> refresher_;  // last: stopped before what refresh() uses goes
};

}  // namespace gap
