// MariaDB dies or stops answering in the middle of a load. Each test starts a private server
// (scripts/mariadb-test-server.sh) so that killing it disturbs no other test.
#include <atomic>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include "nodes/sql/database.hpp"
#include "support/test_support.hpp"
#include "tests/mariadb/mariadb_test_support.hpp"
#include "tests/nodes_sql/db_snapshot.hpp"
#include "tests/nodes_sql/load_scenarios.hpp"
#include "tests/nodes_sql/test_dataset.hpp"

namespace {

std::string redact(const std::string& url) {
  auto colon = url.find(':', url.find("://") + 3);
  return url.substr(0, colon + 1) + "***" + url.substr(url.rfind('@'));
}

// Runs the slow "large" load and calls `strike` (from the source's thread) once the load has
// written rating rows inside its still-open transaction.
dag::RunReport load_and_strike(const std::string& url, const std::function<void()>& strike, std::atomic<bool>& struck) {
  std::atomic<std::int64_t> ratings_written{0};
  auto hooks = std::make_shared<sqltest::TestHooks>();
  hooks->before_emit = [&](std::size_t) {
    if (!struck && ratings_written > 0) {
      strike();
      struck = true;
    }
  };
  dag::RunOptions opts;
  opts.progress_interval = std::chrono::milliseconds(10);
  opts.on_progress = [&](const std::vector<dag::NodeStats>& nodes) {
    for (const auto& n : nodes) {
      if (n.id != "load") continue;
      auto it = n.counters.find("ratings");
      if (it != n.counters.end()) ratings_written = it->second;
    }
  };
  auto reg = sqltest::make_registry(hooks);
  return sqltest::run_yaml(
      sqltest::load_yaml(url, "large", "      batch_rows: 500\n", "      chunk_rows: 500\n      delay_ms: 40\n"), *reg, opts);
}

}  // namespace

TEST_CASE("mariadb killed mid-load: the run fails cleanly and the old data survives the restart", "[sql][mariadb][crash]") {
  testing_support::TempDir dir("mdbkill");
  mariadb_test::PrivateServer server(dir / "server");
  const std::string url = server.url();
  sqltest::load_ok(url, "v1");
  const auto before = sqltest::snapshot(url);

  std::atomic<bool> killed{false};
  auto report = load_and_strike(
      url, [&] { server.kill(); }, killed);
  REQUIRE(killed);
  REQUIRE_FALSE(report.ok);
  CHECK(report.failed_node == "load");
  CHECK_THAT(report.error, Catch::Contains(redact(url)) && !Catch::Contains("onetpass"));
  CHECK_THAT(report.error,
             Catch::Contains("Lost connection") || Catch::Contains("gone away") || Catch::Contains("Can't connect"));

  server.restart();
  CHECK(sqltest::snapshot(url) == before);
  auto s = sqldb::open_session(sqldb::DatabaseUrl::parse(url));
  CHECK(sqltest::query_count(*s, "SELECT COUNT(*) FROM load_runs WHERE status = 'completed'") == 1);
  CHECK(sqltest::query_count(*s, "SELECT COUNT(*) FROM load_runs WHERE status = 'running'") == 0);
  // And the next load works as usual.
  sqltest::load_ok(url, "v2");
  CHECK(sqltest::query_count(*s, "SELECT COUNT(*) FROM occupations") == 3);
}

TEST_CASE("mariadb stopped mid-load: the load times out, the server rolls it back", "[sql][mariadb][crash]") {
  testing_support::TempDir dir("mdbstop");
  mariadb_test::PrivateServer server(dir / "server");
  const std::string url = server.url() + "?timeout=2";
  sqltest::load_ok(url, "v1");
  const auto before = sqltest::snapshot(url);

  std::atomic<bool> stopped{false};
  auto t0 = std::chrono::steady_clock::now();
  auto report = load_and_strike(
      url, [&] { server.pause(); }, stopped);
  server.resume();
  auto took = std::chrono::steady_clock::now() - t0;
  REQUIRE(stopped);
  REQUIRE_FALSE(report.ok);
  CHECK(report.failed_node == "load");
  CHECK_THAT(report.error, !Catch::Contains("onetpass"));
  CHECK(took < std::chrono::seconds(60));
  // The server noticed the dead client and rolled its transaction back, locks included: the
  // old data is there and the next load is not blocked.
  CHECK(sqltest::snapshot(url) == before);
  sqltest::load_ok(url, "v2");
  CHECK(sqltest::snapshot(url).occupations.size() == 3);
}
