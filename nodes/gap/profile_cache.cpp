#include "nodes/gap/profile_cache.hpp"
#include "common/memory.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <spdlog/spdlog.h>

#include "nodes/gap/explain_repository.hpp"
#include "nodes/gap/occupation_texts.hpp"
#include "nodes/gap/similarity_view.hpp"
#include "nodes/sql/database.hpp"

namespace gap {

// ---- Snapshot ---------------------------------------------------------------------------------

Snapshot::Snapshot(DatasetVersion version, std::vector<ProfilePtr> profiles, ExplanationsPtr explanations,
                   const std::shared_ptr<const OccupationTexts>& texts)
    : Snapshot(std::move(version), std::move(profiles), std::move(explanations), NoView{}) {
  std::vector<ProfilePtr> all;
  all.reserve(titles_.size());
  for (const auto& t : titles_) all.push_back(*by_code_.find(t.summary.code));
  similarity_ = std::make_shared<const SimilarityView>(std::move(all), texts.get());
  title_index_ = std::make_shared<const TitleIndex>(texts ? texts->tables.get() : nullptr);
  link_title_index();
}

void Snapshot::link_title_index() {
  entry_title_.assign(title_index_->size(), kNoTitle);
  for (std::uint32_t id = 0; id < entry_title_.size(); ++id) {
    const std::string& code = title_index_->entry(id).code;
    auto it = std::lower_bound(titles_.begin(), titles_.end(), code,
                               [](const TitleEntry& t, const std::string& c) { return t.summary.code < c; });
    if (it != titles_.end() && it->summary.code == code) entry_title_[id] = static_cast<std::uint32_t>(it - titles_.begin());
  }
}

Snapshot::Snapshot(DatasetVersion version, std::vector<ProfilePtr> profiles, ExplanationsPtr explanations, NoView)
    : version_(std::move(version)),
      loaded_at_(std::chrono::system_clock::now()),
      explanations_(explanations ? std::move(explanations) : std::make_shared<const Explanations>()),
      title_index_(std::make_shared<const TitleIndex>(nullptr)) {
  std::sort(profiles.begin(), profiles.end(), [](const ProfilePtr& a, const ProfilePtr& b) { return a->code < b->code; });
  titles_.reserve(profiles.size());
  std::vector<std::pair<std::string, ProfilePtr>> by_code;
  by_code.reserve(profiles.size());
  for (auto& p : profiles) {
    if (!has_knowledge_ && p->has_level_ratings(Domain::Knowledge)) has_knowledge_ = true;
    titles_.push_back({{p->code, p->title}, common::ascii_lower(p->title), normalize_title(p->title)});
    by_code.emplace_back(p->code, std::move(p));
  }
  by_code_ = CodeMap<ProfilePtr>(std::move(by_code));
  std::size_t bytes = 0;
  for (const auto& t : titles_) bytes += t.lower_title.size() + 1;
  lower_all_.reserve(bytes);
  lower_start_.reserve(titles_.size() + 1);
  for (const auto& t : titles_) {
    lower_start_.push_back(static_cast<std::uint32_t>(lower_all_.size()));
    lower_all_ += t.lower_title;
    lower_all_ += '\n';
  }
  lower_start_.push_back(static_cast<std::uint32_t>(lower_all_.size()));
}

void Snapshot::occurrences(const std::string& q, std::vector<Occurrence>& out) const {
  out.assign(titles_.size(), Occurrence{});
  if (q.empty()) return;
  // glibc's memmem (a two-way search with a hash of byte pairs for short needles): on the API
  // bench's queries find_titles took 37 us with it, 63 us with a search per title and 63 us with
  // std's Boyer-Moore-Horspool over this text. Occurrences come in text order, so the title they
  // fall in only moves forward; one that runs past its title's end (into the separator and the
  // next title) is no occurrence in that title.
  const char* const base = lower_all_.data();
  const char* const end = base + lower_all_.size();
  std::size_t title = 0;
  for (const char* p = base; p < end;) {
    const void* hit = ::memmem(p, static_cast<std::size_t>(end - p), q.data(), q.size());
    if (!hit) break;
    const auto pos = static_cast<std::uint32_t>(static_cast<const char*>(hit) - base);
    p = static_cast<const char*>(hit) + 1;
    while (lower_start_[title + 1] <= pos) ++title;
    if (pos + q.size() > lower_start_[title + 1] - 1) continue;  // the title's end is before its '\n'
    Occurrence& o = out[title];
    o.found = true;
    // At a word start: at the title's start or after a character other than a letter or digit.
    if (pos == lower_start_[title] || !std::isalnum(static_cast<unsigned char>(lower_all_[pos - 1]))) o.at_word_start = true;
  }
}

ProfilePtr Snapshot::find(const std::string& code) const {
  const ProfilePtr* p = by_code_.find(code);
  return p ? *p : nullptr;
}

std::vector<OccupationSummary> Snapshot::search(const std::string& q, std::size_t limit) const {
  const std::string ql = common::ascii_lower(q);
  std::vector<OccupationSummary> hits;
  for (const auto& t : titles_) {
    if (ql.empty() || t.lower_title.find(ql) != std::string::npos || t.summary.code.starts_with(ql)) {
      hits.push_back(t.summary);
    }
  }
  auto less = [&](const OccupationSummary& a, const OccupationSummary& b) { return title_search_less(a, b, ql); };
  if (hits.size() > limit) {
    std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(limit), hits.end(), less);
    hits.resize(limit);
  } else {
    std::sort(hits.begin(), hits.end(), less);
  }
  return hits;
}

namespace {

// s.starts_with(p), with the first character compared inline: the title scan calls it twice
// per occupation and query, and most titles differ from the query at once.
bool begins_with(const std::string& s, const std::string& p) {
  return p.empty() || (s.size() >= p.size() && s[0] == p[0] && s.compare(0, p.size(), p) == 0);
}

}  // namespace

std::vector<TitleHit> Snapshot::find_titles(const std::string& q, std::size_t limit) const {
  const std::string raw = common::ascii_lower(q);
  const std::string norm = normalize_title(q);
  const std::vector<std::string> words = split_words(norm);
  // The best hit per occupation (titles_ is by code, so an index into it names the occupation).
  struct Best {
    int tier = 100;
    int weight = 0;
    TitleField field = TitleField::Title;
    const std::string* text = nullptr;
  };
  std::vector<Best> best(titles_.size());
  auto offer = [&](std::size_t at, int tier, int weight, TitleField field, const std::string* text) {
    Best& b = best[at];
    if (tier < b.tier || (tier == b.tier && weight > b.weight)) b = {tier, weight, field, text};
  };
  const bool code_like = !raw.empty() && raw[0] >= '0' && raw[0] <= '9';  // codes start with a digit
  // Where the query occurs in each title, from one search of all titles (lower_all_); and,
  // for tier 7, which titles hold the first query word at all: a word that starts a word of
  // `normalized` occurs in `lower_title` too (the letters and digits are the same bytes), so
  // only those titles can pass words_prefix_all.
  std::vector<Occurrence> in_title, first_word;
  occurrences(raw, in_title);
  const bool own_word_scan = !words.empty() && words[0] != raw;
  if (own_word_scan) occurrences(words[0], first_word);
  const auto& word_hits = own_word_scan ? first_word : in_title;
  for (std::size_t i = 0; i < titles_.size(); ++i) {
    const TitleEntry& t = titles_[i];
    if (q.empty()) {
      offer(i, 4, 0, TitleField::Title, &t.summary.title);
    } else if (!norm.empty() && t.normalized == norm) {
      offer(i, 0, 0, TitleField::Title, &t.summary.title);
    } else if ((!norm.empty() && begins_with(t.normalized, norm)) || begins_with(t.lower_title, raw)) {
      offer(i, 1, 0, TitleField::Title, &t.summary.title);
    } else {
      if (in_title[i].at_word_start) {
        offer(i, 4, 0, TitleField::Title, &t.summary.title);
      } else if (code_like && begins_with(t.summary.code, raw)) {
        offer(i, 4, 0, TitleField::Code, &t.summary.code);
      } else if (!words.empty() && word_hits[i].found && words_prefix_all(words, t.normalized)) {
        offer(i, 7, 0, TitleField::Title, &t.summary.title);
      } else if (in_title[i].found) {
        offer(i, 10, 0, TitleField::Title, &t.summary.title);  // inside a word ("rn" in "Government"): last
      }
    }
  }
  title_index_->match(norm, words, [&](std::uint32_t id, const TitleIndex::Entry& e, int tier) {
    if (const auto at = entry_title_[id]; at != kNoTitle) offer(at, tier, e.weight, e.field, &e.text);
  });
  std::vector<std::size_t> hits;
  for (std::size_t i = 0; i < best.size(); ++i)
    if (best[i].text) hits.push_back(i);
  auto less = [&](std::size_t a, std::size_t b) {
    const Best &x = best[a], &y = best[b];
    if (x.tier != y.tier) return x.tier < y.tier;
    if (x.weight != y.weight) return x.weight > y.weight;
    const auto &ta = titles_[a].summary, &tb = titles_[b].summary;
    return ta.title != tb.title ? ta.title < tb.title : ta.code < tb.code;
  };
  const std::size_t n = std::min(limit, hits.size());
  std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(n), hits.end(), less);
  std::vector<TitleHit> out;
  out.reserve(n);
  for (std::size_t k = 0; k < n; ++k) {
    const Best& b = best[hits[k]];
    out.push_back({titles_[hits[k]].summary, b.field, *b.text});
  }
  return out;
}

std::shared_ptr<const Snapshot> Snapshot::with(ProfilePtr p) const {
  std::vector<ProfilePtr> all;
  all.reserve(by_code_.size() + 1);
  by_code_.for_each([&](const std::string& code, const ProfilePtr& existing) {
    if (code != p->code) all.push_back(existing);
  });
  all.push_back(std::move(p));
  std::shared_ptr<Snapshot> out(new Snapshot(version_, std::move(all), explanations_, NoView{}));
  out->loaded_at_ = loaded_at_;
  out->similarity_ = similarity_;
  out->title_index_ = title_index_;
  out->link_title_index();
  return out;
}

// ---- ProfileCache -----------------------------------------------------------------------------

namespace {

// The profile a fetched occupation becomes once stored: a locally known occupation keeps its
// own title and description (the store keeps its row too).
OccupationProfile profile_from_fetched(const FetchedOccupation& f, const ProfilePtr& local) {
  OccupationProfile p;
  p.code = f.code;
  if (local) {
    p.title = local->title;
    p.description = local->description;
    p.source = local->source;
    p.ratings = local->ratings;
  } else {
    p.title = f.title;
    p.description = f.description;
    p.source = "onet_api";
  }
  std::map<std::string, ElementPtr> elements;
  for (const auto& r : f.ratings) {
    if (r.scale_id != "LV" && r.scale_id != "IM") continue;
    auto& e = elements[r.element_id];
    if (!e) e = make_element(r.element_id, r.element_name.empty() ? r.element_id : r.element_name, "");
    ScaleValue v;
    v.data_value = r.data_value;
    v.not_relevant = r.not_relevant.value_or(0);
    v.value_source = "onet_api";
    // The store never overwrites a local row (INSERT IGNORE): keep local values where present.
    if (local) {
      if (const auto* existing = local->find(r.element_id)) {
        if ((r.scale_id == "LV" && existing->level) || (r.scale_id == "IM" && existing->importance)) continue;
      }
    }
    ElementRating er;
    er.element = e;
    if (r.scale_id == "LV")
      er.level = std::move(v);
    else
      er.importance = std::move(v);
    p.ratings.push_back(std::move(er));
  }
  p.finalize();
  return p;
}

}  // namespace

ProfileCache::ProfileCache(std::shared_ptr<ProfileRepository> repo, CacheOptions opts,
                           std::shared_ptr<RemoteProfileSource> remote, std::shared_ptr<spdlog::logger> log)
    : repo_(std::move(repo)), opts_(opts), remote_(std::move(remote)), log_(log ? std::move(log) : spdlog::default_logger()) {}

ProfileCache::~ProfileCache() { stop(); }

bool ProfileCache::start() {
  try {
    refresh();
  } catch (const std::exception& e) {
    log_->warn("profile cache: initial load failed: {}", e.what());
  }
  if (opts_.background_refresh && !refresher_) {
    refresher_.emplace(opts_.check_interval, [this] {
      try {
        refresh();
      } catch (...) {
        // Already recorded in the status; keep serving the snapshot we have.
      }
      return true;
    });
  }
  return snapshot() != nullptr;
}

void ProfileCache::stop() { refresher_.reset(); }

bool ProfileCache::refresh() {
  std::lock_guard wlock(write_mu_);
  try {
    auto current = snapshot();
    auto latest = repo_->latest_completed_run();
    if (current && latest == current->version()) {
      record_check_ok();
      return false;
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto [set, explanations] = load_explained(*repo_);  // profiles and explanations of one load run
    auto snap = std::make_shared<const Snapshot>(set.version, std::move(set.profiles), std::move(explanations), set.texts);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    install(snap);
    // The build freed much of what it allocated, part of it in the arena of the thread that read
    // the explanations (load_explained): ~12 MB of the API's RSS after start-up, kept for good.
    common::release_freed_memory();
    record_check_ok();
    {
      std::lock_guard s(status_mu_);
      last_load_seconds_ = secs;
    }
    {
      // A new dataset may know what the remote did not: forget the negative answers.
      std::lock_guard r(remote_mu_);
      not_found_until_.clear();
    }
    reloads_.fetch_add(1);
    log_->info("profile cache: loaded {} occupations from load run {} (O*NET {}) in {:.3f} s", snap->size(),
               snap->version().load_run_id, snap->version().release.empty() ? "?" : snap->version().release, secs);
    return true;
  } catch (const std::exception& e) {
    std::lock_guard s(status_mu_);
    if (last_check_ok_ || last_error_ != e.what()) log_->warn("profile cache: database check failed: {}", e.what());
    last_check_ok_ = false;
    last_error_ = e.what();
    if (!down_since_) down_since_ = std::chrono::system_clock::now();
    throw;
  }
}

void ProfileCache::record_check_ok() {
  std::lock_guard s(status_mu_);
  if (down_since_) {
    // The other half of the "check failed" warning: how long the outage lasted, as seen here.
    const double secs = std::chrono::duration<double>(std::chrono::system_clock::now() - *down_since_).count();
    auto snap = snapshot();
    log_->info("profile cache: database reachable again after {:.1f} s of failed checks (serving load run {})", secs,
               snap ? snap->version().load_run_id : 0);
    down_since_.reset();
  }
  last_check_ok_ = true;
  last_error_.clear();
}

void ProfileCache::install(SnapshotPtr s) { snap_.store(std::move(s)); }

CacheStatus ProfileCache::status() const {
  CacheStatus st;
  auto s = snapshot();
  st.loaded = s != nullptr;
  if (s) {
    st.version = s->version();
    st.profiles = s->size();
  }
  {
    std::lock_guard lock(status_mu_);
    st.last_check_ok = last_check_ok_;
    st.last_error = last_error_;
    st.down_since = down_since_;
    st.last_load_seconds = last_load_seconds_;
  }
  st.hits = hits_.load();
  st.misses = misses_.load();
  st.remote_fetches = remote_fetches_.load();
  st.remote_not_found = remote_not_found_.load();
  st.reloads = reloads_.load();
  return st;
}

bool ProfileCache::wants_remote(const ProfilePtr& local) const {
  // Text estimates do not count: O*NET's own values, when its Web Services has them, beat them.
  return remote_ && (!local || !(local->has_level_ratings(Domain::Skills, ValueSource::Onet) || local->has_llm_values()));
}

bool ProfileCache::negative_cached(const std::string& code) const {
  std::lock_guard lock(remote_mu_);
  auto it = not_found_until_.find(code);
  return it != not_found_until_.end() && it->second > std::chrono::steady_clock::now();
}

bool ProfileCache::needs_remote(const std::string& code) const {
  auto s = snapshot();
  if (!s || !remote_) return false;
  return wants_remote(s->find(code)) && !negative_cached(code);
}

ProfileCache::LocalLookup ProfileCache::find_local(const std::string& code, const SnapshotPtr& pinned) {
  auto s = pinned ? pinned : snapshot();
  if (!s) {
    std::string why;
    {
      std::lock_guard lock(status_mu_);
      why = last_error_;
    }
    throw NotLoaded("no dataset loaded yet" + (why.empty() ? std::string() : ": " + why));
  }
  ProfilePtr local = s->find(code);
  if (local)
    hits_.fetch_add(1, std::memory_order_relaxed);
  else
    misses_.fetch_add(1, std::memory_order_relaxed);
  if (!wants_remote(local) || negative_cached(code)) return {local, false};
  // Added by an earlier fetch after this request pinned its snapshot?
  if (pinned) {
    if (auto cur = snapshot(); cur && cur != pinned) {
      if (auto added = cur->find(code); added && !wants_remote(added)) return {added, false};
    }
  }
  return {local, true};
}

ProfilePtr ProfileCache::lookup(const std::string& code, const SnapshotPtr& pinned) {
  auto found = find_local(code, pinned);
  return found.fetch ? fetch(code, found.profile) : found.profile;
}

ProfilePtr ProfileCache::fetch(const std::string& code, const ProfilePtr& local) {
  if (!remote_) return local;
  return fetch_remote(code, local);
}

ProfilePtr ProfileCache::fetch_remote(const std::string& code, const ProfilePtr& local) {
  // One fetch per code at a time: concurrent requests for it share the answer.
  std::shared_future<ProfilePtr> fut;
  std::promise<ProfilePtr> mine;
  bool owner = false;
  {
    std::lock_guard lock(remote_mu_);
    auto it = in_flight_.find(code);
    if (it != in_flight_.end()) {
      fut = it->second;
    } else {
      fut = mine.get_future().share();
      in_flight_.emplace(code, fut);
      owner = true;
    }
  }
  if (!owner) return fut.get();

  auto finish = [&] {
    std::lock_guard lock(remote_mu_);
    in_flight_.erase(code);
  };
  try {
    // A fetch that finished between our snapshot read and taking ownership already added it.
    if (auto cur = snapshot()) {
      if (auto added = cur->find(code); added && !wants_remote(added)) {
        mine.set_value(added);
        finish();
        return added;
      }
    }
    if (negative_cached(code)) {
      mine.set_value(local);
      finish();
      return local;
    }
    remote_fetches_.fetch_add(1);
    auto fetched = remote_->fetch(code);
    ProfilePtr result = local;
    bool has_ratings = false;
    if (fetched) {
      auto profile = std::make_shared<const OccupationProfile>(profile_from_fetched(*fetched, local));
      has_ratings = profile->has_level_ratings(Domain::Skills);
      try {
        repo_->store_fetched(*fetched);
      } catch (const std::exception& e) {
        // Still answer with what was fetched; the next miss after a restart fetches again.
        log_->warn("profile cache: could not store {} fetched from O*NET Web Services: {}", code, e.what());
      }
      {
        std::lock_guard wlock(write_mu_);
        if (auto cur = snapshot()) install(cur->with(profile));
      }
      result = profile;
      log_->info("profile cache: fetched {} from O*NET Web Services ({} rating rows)", code, fetched->ratings.size());
    }
    if (!fetched || !has_ratings) {
      remote_not_found_.fetch_add(1);
      std::lock_guard lock(remote_mu_);
      not_found_until_[code] = std::chrono::steady_clock::now() + opts_.negative_ttl;
    }
    mine.set_value(result);
    finish();
    return result;
  } catch (...) {
    mine.set_exception(std::current_exception());
    finish();
    throw;
  }
}

}  // namespace gap
