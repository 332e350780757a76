// The read side (ProfileRepository) and the profile cache against real SQLite files.
#include <catch2/catch.hpp>

#include <sstream>
#include <thread>

#include <soci/soci.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "failing_repository.hpp"
#include "gap_test_db.hpp"
#include "nodes/gap/profile_cache.hpp"
#include "nodes/gap/profile_repository.hpp"
#include "nodes/gap/skill_gap.hpp"
#include "nodes/sql/database.hpp"
#include "support/test_support.hpp"

using testing_support::TempDir;

namespace {

std::string tiny_db(const TempDir& dir) {
  const std::string url = "sqlite:" + (dir / "tiny.db").string();
  gaptest::exec_sql(url, gaptest::tiny_dataset());
  return url;
}

class FakeRemote final : public gap::RemoteProfileSource {
 public:
  std::map<std::string, gap::FetchedOccupation> known;
  std::atomic<int> calls{0};
  bool fail = false;
  std::chrono::milliseconds delay{0};
  std::optional<gap::FetchedOccupation> fetch(const std::string& code) override {
    ++calls;
    std::this_thread::sleep_for(delay);
    if (fail) throw gap::RemoteUnavailable("fake remote down");
    auto it = known.find(code);
    if (it == known.end()) return std::nullopt;
    return it->second;
  }
};

gap::FetchedOccupation fetched(const std::string& code, const std::string& title) {
  gap::FetchedOccupation f;
  f.code = code;
  f.title = title;
  f.description = "from the API";
  gap::FetchedRating lv;
  lv.element_id = "2.A.1.a";
  lv.element_name = "Reading Comprehension";
  lv.scale_id = "LV";
  lv.data_value = 5.5;
  lv.not_relevant = 'N';
  lv.date_updated = "2024-08-01";
  lv.domain_source = "Analyst";
  gap::FetchedRating im = lv;
  im.scale_id = "IM";
  im.data_value = 4.0;
  im.not_relevant.reset();
  gap::FetchedRating fresh = lv;  // an element the store does not know yet
  fresh.element_id = "2.B.9.z";
  fresh.element_name = "Brand New Skill";
  fresh.data_value = 2.0;
  f.ratings = {lv, im, fresh};
  return f;
}

}  // namespace

TEST_CASE("repository reads the dataset, one occupation, and the latest completed run", "[gap][store]") {
  TempDir dir("gapstore");
  gap::ProfileRepository repo(tiny_db(dir));

  auto v = repo.latest_completed_run();
  CHECK(v.load_run_id == 1);
  CHECK(v.release == "t1");

  auto set = repo.load_all();
  CHECK(set.version == v);
  REQUIRE(set.profiles.size() == 3);
  CHECK(set.profiles[0]->code == "11-0001.00");
  CHECK(set.profiles[2]->ratings.empty());

  auto target = repo.find("11-0002.00");
  REQUIRE(target);
  CHECK(target->title == "Target Occ");
  const auto* a = target->find("2.A.1.a");
  REQUIRE(a);
  CHECK(a->element->name == "Reading Comprehension");
  CHECK(a->level->data_value == 4.5);
  CHECK(a->importance->data_value == 4.25);
  CHECK(target->find("2.B.3.e")->level->not_relevant == 'Y');
  CHECK_FALSE(repo.find("99-9999.00"));

  // The same semantics as the hand-made profiles of the unit tests.
  auto from = repo.find("11-0001.00");
  auto r = gap::compute_gap(*from, *target, {});
  REQUIRE(r.gaps.size() == 2);
  CHECK(r.gaps[0].element_id == "2.A.1.a");
  CHECK(r.gaps[0].gap == 1.38);
  CHECK(r.gaps[1].element_id == "2.A.2.a");
  CHECK(r.gaps[1].from_missing);
}

TEST_CASE("repository ignores runs that did not complete", "[gap][store]") {
  TempDir dir("gapstore");
  auto url = tiny_db(dir);
  gaptest::exec_sql(url, {"INSERT INTO load_runs (run_id, pipeline, onet_release, source, started_at, status) "
                          "VALUES (2, 'test', 't2', 'x', '2025-01-02T00:00:00Z', 'running')",
                          "INSERT INTO load_runs (run_id, pipeline, onet_release, source, started_at, status) "
                          "VALUES (3, 'test', 't3', 'x', '2025-01-03T00:00:00Z', 'failed')"});
  gap::ProfileRepository repo(url);
  CHECK(repo.latest_completed_run().load_run_id == 1);
}

TEST_CASE("title search: parameterized, SQL metacharacters are literal, same order as the snapshot", "[gap][store]") {
  TempDir dir("gapstore");
  auto url = tiny_db(dir);
  gaptest::exec_sql(
      url, {"INSERT INTO occupations (onetsoc_code, title, description) VALUES ('11-0004.00', '100% _Target_ Occ''s', 'x')",
            "INSERT INTO occupations (onetsoc_code, title, description) VALUES ('12-0001.00', 'Occ Targeting', 'x')"});
  gap::ProfileRepository repo(url);
  auto set = repo.load_all();
  gap::Snapshot snap(set.version, set.profiles);
  for (std::string q : {"", "occ", "OCC", "target", "%", "_", "100%", "'s", "' OR 1=1 --", "11-000", "12", "!", "zzz",
                        "\"; DROP TABLE occupations; --"}) {
    INFO("q = " << q);
    auto db = repo.search_titles(q, 50);
    auto mem = snap.search(q, 50);
    REQUIRE(db.size() == mem.size());
    for (std::size_t i = 0; i < db.size(); ++i) CHECK(db[i].code == mem[i].code);
  }
  CHECK(snap.search("%", 50).size() == 1);
  CHECK(snap.search("_", 50).size() == 1);
  CHECK(snap.search("zzz", 50).empty());
  auto occ = snap.search("occ", 50);
  REQUIRE(occ.size() == 5);
  CHECK(occ[0].title == "Occ Targeting");  // prefix matches first
  CHECK(snap.search("occ", 2).size() == 2);
  CHECK(snap.search("11-000", 50).size() == 4);
  CHECK(repo.find("11-0001.00"));  // still there after the hostile queries
}

TEST_CASE("repository: a missing SQLite file is an unavailable database, not an empty one", "[gap][store]") {
  TempDir dir("gapstore");
  const auto path = dir / "absent.db";
  gap::ProfileRepository repo("sqlite:" + path.string());
  CHECK_THROWS_AS(repo.latest_completed_run(), sqldb::DatabaseUnavailable);
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("repository stores a fetched occupation with source onet_api, idempotently", "[gap][store]") {
  TempDir dir("gapstore");
  auto url = tiny_db(dir);
  gap::ProfileRepository repo(url);
  auto f = fetched("15-9999.00", "API Occ");
  repo.store_fetched(f);
  repo.store_fetched(f);  // a second store changes nothing and does not fail

  auto p = repo.find("15-9999.00");
  REQUIRE(p);
  CHECK(p->source == "onet_api");
  CHECK(p->title == "API Occ");
  REQUIRE(p->find("2.A.1.a"));
  CHECK(p->find("2.A.1.a")->level->value_source == "onet_api");
  CHECK(p->find("2.A.1.a")->level->data_value == 5.5);
  CHECK(p->find("2.A.1.a")->importance->data_value == 4.0);
  REQUIRE(p->find("2.B.9.z"));
  CHECK(p->find("2.B.9.z")->element->name == "Brand New Skill");

  auto s = sqldb::open_session(sqldb::DatabaseUrl::parse(url));
  std::string date;
  *s << "SELECT date_updated FROM occupation_ratings WHERE onetsoc_code = '15-9999.00' AND element_id = '2.A.1.a' AND scale_id = "
        "'LV'",
      soci::into(date);
  CHECK(date == "08/2024");

  // A locally known occupation keeps its row (title, source 'file'); only ratings are added.
  auto known = fetched("11-0003.00", "Other Title");
  repo.store_fetched(known);
  auto k = repo.find("11-0003.00");
  CHECK(k->title == "No Ratings Occ");
  CHECK(k->source == "file");
  CHECK(k->find("2.A.1.a")->level->value_source == "onet_api");
}

TEST_CASE("cache: refreshes only when a newer completed load run appears, snapshots are immutable", "[gap][cache]") {
  TempDir dir("gapcache");
  auto url = tiny_db(dir);
  gap::CacheOptions opts;
  opts.background_refresh = false;
  gap::ProfileCache cache(std::make_shared<gap::ProfileRepository>(url), opts);
  CHECK(cache.start());
  auto first = cache.snapshot();
  REQUIRE(first);
  CHECK(first->size() == 3);
  CHECK_FALSE(cache.refresh());  // nothing new
  CHECK(cache.snapshot() == first);

  // New data without a completed run: not picked up.
  gaptest::exec_sql(url, {"UPDATE occupations SET title = 'Renamed' WHERE onetsoc_code = '11-0001.00'",
                          "INSERT INTO load_runs (run_id, pipeline, onet_release, source, started_at, status) "
                          "VALUES (2, 'test', 't2', 'x', '2025-01-02T00:00:00Z', 'running')"});
  CHECK_FALSE(cache.refresh());
  CHECK(cache.snapshot()->find("11-0001.00")->title == "Source Occ");

  gaptest::exec_sql(url, {"UPDATE load_runs SET status = 'completed' WHERE run_id = 2"});
  CHECK(cache.refresh());
  auto second = cache.snapshot();
  CHECK(second->version().load_run_id == 2);
  CHECK(second->version().release == "t2");
  CHECK(second->find("11-0001.00")->title == "Renamed");
  // A request holding the old snapshot still sees the old dataset, whole.
  CHECK(first->find("11-0001.00")->title == "Source Occ");
  CHECK(first->version().load_run_id == 1);
  CHECK(cache.status().reloads == 2);
}

TEST_CASE("cache: the background refresher picks up a new run within its interval", "[gap][cache]") {
  TempDir dir("gapcache");
  auto url = tiny_db(dir);
  gap::CacheOptions opts;
  opts.check_interval = std::chrono::milliseconds(100);
  gap::ProfileCache cache(std::make_shared<gap::ProfileRepository>(url), opts);
  REQUIRE(cache.start());
  gaptest::exec_sql(url, {"INSERT INTO load_runs (run_id, pipeline, onet_release, source, started_at, status) "
                          "VALUES (5, 'test', 't5', 'x', '2025-01-05T00:00:00Z', 'completed')"});
  for (int i = 0; i < 50 && cache.snapshot()->version().load_run_id != 5; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(cache.snapshot()->version().load_run_id == 5);
  cache.stop();
}

TEST_CASE("cache: serves from memory while the database is gone, and says so", "[gap][cache]") {
  TempDir dir("gapcache");
  auto url = tiny_db(dir);
  gap::CacheOptions opts;
  opts.background_refresh = false;
  gap::ProfileCache cache(std::make_shared<gap::ProfileRepository>(url), opts);
  REQUIRE(cache.start());
  CHECK(cache.status().last_check_ok);
  std::filesystem::remove(dir / "tiny.db");
  std::filesystem::remove(dir / "tiny.db-wal");
  std::filesystem::remove(dir / "tiny.db-shm");
  // The old session may still read the unlinked file; a fresh repository cannot.
  gap::ProfileCache other(std::make_shared<gap::ProfileRepository>(url), opts);
  CHECK_FALSE(other.start());
  CHECK_FALSE(other.status().last_check_ok);
  CHECK_THROWS_AS(other.lookup("11-0001.00"), gap::NotLoaded);
  // The loaded cache keeps answering.
  CHECK(cache.lookup("11-0002.00")->title == "Target Occ");
  CHECK(cache.lookup("99-0000.00") == nullptr);
  auto st = cache.status();
  CHECK(st.hits == 1);
  CHECK(st.misses == 1);
}

TEST_CASE("cache: an outage records since when checks fail, and its end is logged", "[gap][cache]") {
  TempDir dir("gapcache");
  auto repo = std::make_shared<gaptest::FailingRepository>(tiny_db(dir));
  std::ostringstream out;
  auto log = std::make_shared<spdlog::logger>("cache", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  log->set_pattern("%l %v");
  gap::CacheOptions opts;
  opts.background_refresh = false;
  gap::ProfileCache cache(repo, opts, nullptr, log);
  REQUIRE(cache.start());
  CHECK(cache.status().last_check_ok);
  CHECK_FALSE(cache.status().down_since);

  repo->down = true;
  const auto before = std::chrono::system_clock::now();
  CHECK_THROWS_AS(cache.refresh(), sqldb::DatabaseUnavailable);
  const auto after = std::chrono::system_clock::now();
  auto st = cache.status();
  CHECK_FALSE(st.last_check_ok);
  REQUIRE(st.down_since);
  CHECK(*st.down_since >= before);
  CHECK(*st.down_since <= after);
  CHECK(st.last_error.find("test: down") != std::string::npos);
  // Later failed checks belong to the same outage: the start stays, the warning is not repeated.
  CHECK_THROWS_AS(cache.refresh(), sqldb::DatabaseUnavailable);
  CHECK(cache.status().down_since == st.down_since);
  CHECK(repo->failed_calls == 2);
  // The cached dataset is still served.
  CHECK(cache.lookup("11-0002.00")->title == "Target Occ");
  CHECK(cache.status().loaded);

  repo->down = false;
  CHECK_FALSE(cache.refresh());  // same load run: nothing to reload
  st = cache.status();
  CHECK(st.last_check_ok);
  CHECK_FALSE(st.down_since);
  CHECK(st.last_error.empty());
  INFO(out.str());
  auto count = [&](const std::string& needle) {
    const std::string text = out.str();
    std::size_t n = 0;
    for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
    return n;
  };
  CHECK(count("warning profile cache: database check failed") == 1);
  CHECK(count("info profile cache: database reachable again after ") == 1);
  CHECK(count("(serving load run 1)") == 1);
  // A check that succeeds without an outage before it logs nothing of the kind.
  CHECK_FALSE(cache.refresh());
  CHECK(count("reachable again") == 1);
}

TEST_CASE("cache: never loaded and database down -> NotLoaded carrying the cause", "[gap][cache]") {
  TempDir dir("gapcache");
  gap::CacheOptions opts;
  opts.background_refresh = false;
  gap::ProfileCache cache(std::make_shared<gap::ProfileRepository>("sqlite:" + (dir / "none.db").string()), opts);
  CHECK_FALSE(cache.start());
  try {
    cache.lookup("11-0001.00");
    FAIL("expected NotLoaded");
  } catch (const gap::NotLoaded& e) {
    CHECK(std::string(e.what()).find("does not exist") != std::string::npos);
  }
}

TEST_CASE("cache: remote fallback fetches once, stores, then serves locally", "[gap][cache][fallback]") {
  TempDir dir("gapcache");
  auto url = tiny_db(dir);
  auto remote = std::make_shared<FakeRemote>();
  remote->known.emplace("15-9999.00", fetched("15-9999.00", "API Occ"));
  remote->known.emplace("11-0003.00", fetched("11-0003.00", "ignored title"));
  remote->delay = std::chrono::milliseconds(100);
  gap::CacheOptions opts;
  opts.background_refresh = false;
  gap::ProfileCache cache(std::make_shared<gap::ProfileRepository>(url), opts, remote);
  REQUIRE(cache.start());

  CHECK(cache.needs_remote("15-9999.00"));
  CHECK(cache.needs_remote("11-0003.00"));  // known but without ratings
  CHECK_FALSE(cache.needs_remote("11-0001.00"));

  // Concurrent misses for one code share a single fetch.
  std::vector<std::thread> ts;
  std::vector<gap::ProfilePtr> got(8);
  for (int i = 0; i < 8; ++i) ts.emplace_back([&, i] { got[i] = cache.lookup("15-9999.00"); });
  for (auto& t : ts) t.join();
  CHECK(remote->calls == 1);
  for (const auto& p : got) {
    REQUIRE(p);
    CHECK(p->title == "API Occ");
    CHECK(p->source == "onet_api");
  }
  CHECK_FALSE(cache.needs_remote("15-9999.00"));
  CHECK(cache.snapshot()->find("15-9999.00"));
  CHECK(cache.lookup("15-9999.00")->find("2.A.1.a")->level->data_value == 5.5);
  CHECK(remote->calls == 1);

  // Stored: a new cache over the same database has it without the remote.
  gap::ProfileCache fresh(std::make_shared<gap::ProfileRepository>(url), opts);
  REQUIRE(fresh.start());
  auto stored = fresh.lookup("15-9999.00");
  REQUIRE(stored);
  CHECK(stored->source == "onet_api");

  // Known-without-ratings keeps its local title and gains the fetched ratings.
  auto k = cache.lookup("11-0003.00");
  CHECK(k->title == "No Ratings Occ");
  CHECK(k->has_level_ratings(gap::Domain::Skills));
  CHECK(remote->calls == 2);
}

TEST_CASE("cache: remote 'not found' is remembered, remote failure is reported", "[gap][cache][fallback]") {
  TempDir dir("gapcache");
  auto url = tiny_db(dir);
  auto remote = std::make_shared<FakeRemote>();
  gap::CacheOptions opts;
  opts.background_refresh = false;
  gap::ProfileCache cache(std::make_shared<gap::ProfileRepository>(url), opts, remote);
  REQUIRE(cache.start());
  CHECK(cache.lookup("99-0001.00") == nullptr);
  CHECK(cache.lookup("99-0001.00") == nullptr);
  CHECK(remote->calls == 1);
  CHECK_FALSE(cache.needs_remote("99-0001.00"));
  CHECK(cache.status().remote_not_found == 1);

  remote->fail = true;
  CHECK_THROWS_AS(cache.lookup("99-0002.00"), gap::RemoteUnavailable);
  CHECK(cache.needs_remote("99-0002.00"));  // a failure is not remembered as "not found"
}
