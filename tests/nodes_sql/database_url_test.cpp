// Database URLs, secrets in messages, the embedded schema and unreachable databases (no server).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include "engine/pipeline.hpp"
#include "nodes/sql/database.hpp"
#include "nodes/sql/onet_repository.hpp"
#include "tests/nodes_sql/load_scenarios.hpp"
#include "tests/nodes_sql/test_dataset.hpp"

using sqldb::DatabaseUrl;
using sqldb::Dialect;

namespace {

// A loopback port nobody listens on (bound, read, released).
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  close(fd);
  return ntohs(a.sin_port);
}

std::string parse_error(const std::string& url) {
  try {
    DatabaseUrl::parse(url);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  FAIL("no error for " << url);
  return {};
}

}  // namespace

TEST_CASE("sqlite URLs", "[sql][url]") {
  auto u = DatabaseUrl::parse("sqlite:data/onet.db");
  CHECK(u.dialect == Dialect::SQLite);
  CHECK(u.backend == "sqlite3");
  CHECK(u.sqlite_path == "data/onet.db");
  CHECK(u.redacted == "sqlite:data/onet.db");
  CHECK(DatabaseUrl::parse("sqlite:///tmp/x.db").sqlite_path == "/tmp/x.db");
  CHECK(DatabaseUrl::parse("sqlite:/tmp/x.db").sqlite_path == "/tmp/x.db");
  CHECK(DatabaseUrl::parse("sqlite::memory:").sqlite_path == ":memory:");
  CHECK_THAT(parse_error("sqlite:"), Catch::Contains("no file path"));
  CHECK_THAT(parse_error("sqlite:a=b.db"), Catch::Contains("must not contain"));
}

TEST_CASE("mysql URLs", "[sql][url]") {
  auto u = DatabaseUrl::parse("mysql://onet:onetpass@127.0.0.1:3307/onet");
  CHECK(u.dialect == Dialect::MySQL);
  CHECK(u.backend == "mysql");
  CHECK(u.host == "127.0.0.1");
  CHECK(u.port == 3307);
  CHECK(u.user == "onet");
  CHECK(u.database == "onet");
  CHECK(u.redacted == "mysql://onet:***@127.0.0.1:3307/onet");
  CHECK_THAT(u.connect, Catch::Contains("password='onetpass'") && Catch::Contains("port=3307") && Catch::Contains("db='onet'") &&
                            Catch::Contains("host='127.0.0.1'"));

  SECTION("socket, no password, mariadb scheme") {
    auto s = DatabaseUrl::parse("mariadb://onet@localhost/onet?socket=/run/my%20sql.sock&timeout=5");
    CHECK(s.socket == "/run/my sql.sock");
    CHECK(s.port == 0);
    CHECK(s.redacted == "mariadb://onet@localhost/onet?socket=/run/my%20sql.sock&timeout=5");
    CHECK_THAT(s.connect, Catch::Contains("unix_socket='/run/my sql.sock'") && Catch::Contains("read_timeout=5") &&
                              !Catch::Contains("password"));
    auto bare = DatabaseUrl::parse("mysql://u:pw@/db?socket=/tmp/s");
    CHECK(bare.host.empty());
    CHECK(bare.socket == "/tmp/s");
  }
  SECTION("passwords with URL and connection-string metacharacters") {
    // The last '@' ends the user info; %-escapes are decoded; SOCI quoting escapes ' and \.
    auto p = DatabaseUrl::parse("mysql://bob:p@ss:w/rd@db.example:3306/onet");
    CHECK(p.user == "bob");
    CHECK(p.host == "db.example");
    CHECK(p.redacted == "mysql://bob:***@db.example:3306/onet");
    CHECK_THAT(p.connect, Catch::Contains("password='p@ss:w/rd'"));
    auto q = DatabaseUrl::parse("mysql://bob:it%27s%5Cx%20y@h/onet");
    CHECK_THAT(q.connect, Catch::Contains(R"(password='it\'s\\x y')"));
    CHECK(q.redacted == "mysql://bob:***@h/onet");
  }
  SECTION("IPv6 host") {
    auto v6 = DatabaseUrl::parse("mysql://u:secretpw@[::1]:3310/onet");
    CHECK(v6.host == "::1");
    CHECK(v6.port == 3310);
    CHECK(v6.redacted == "mysql://u:***@[::1]:3310/onet");
  }
  SECTION("with_database swaps only the database") {
    auto w = u.with_database("onet_scratch");
    CHECK(w.redacted == "mysql://onet:***@127.0.0.1:3307/onet_scratch");
    CHECK_THAT(w.connect, Catch::Contains("db='onet_scratch'") && Catch::Contains("password='onetpass'"));
    CHECK_THROWS_AS(DatabaseUrl::parse("sqlite:x.db").with_database("y"), std::invalid_argument);
  }
}

TEST_CASE("bad URLs are explained without the password", "[sql][url]") {
  const std::string secret = "Tr0ub4dor";
  struct Case {
    std::string url, says;
  };
  for (const auto& c : std::vector<Case>{
           {"mysql://u:" + secret + "@host", "names no database"},
           {"mysql://u:" + secret + "@host:99999/db", "port '99999'"},
           {"mysql://u:" + secret + "@host:x/db", "port 'x'"},
           {"mysql://u:" + secret + "@host/db?sslmode=on", "unknown parameter 'sslmode'"},
           {"mysql://u:" + secret + "@/db", "no host and no ?socket="},
           {"mysql://u:" + secret + "%zz@host/db", "bad %-escape in the password"},
           {"postgres://u:" + secret + "@host/db", "unsupported database URL 'postgres://u:***@host/db'"},
           {"mysql://u:" + secret + "@[::1/db", "unclosed '['"},
       }) {
    INFO(c.url);
    auto msg = parse_error(c.url);
    CHECK_THAT(msg, Catch::Contains(c.says));
    CHECK_THAT(msg, !Catch::Contains(secret));
  }
}

TEST_CASE("scrub hides the password in driver messages", "[sql][url]") {
  auto u = DatabaseUrl::parse("mysql://onet:hunter2@h/onet");
  CHECK(u.scrub("login with hunter2 failed; hunter2!") == "login with *** failed; ***!");
  CHECK(DatabaseUrl::parse("mysql://onet@h/onet").scrub("no secret here") == "no secret here");
}

TEST_CASE("SQL scripts split at semicolons outside quotes and comments", "[sql][schema]") {
  auto parts = sqldb::split_sql_script(
      "-- header; with a semicolon\n"
      "CREATE TABLE a (x TEXT DEFAULT 'a;b', y TEXT DEFAULT 'it''s;'); /* c; d */\n"
      "INSERT INTO a VALUES (\"q;\") ;\n"
      "  ;  \n");
  REQUIRE(parts.size() == 2);
  CHECK(parts[0] == "CREATE TABLE a (x TEXT DEFAULT 'a;b', y TEXT DEFAULT 'it''s;')");
  CHECK(parts[1] == "INSERT INTO a VALUES (\"q;\")");
}

TEST_CASE("the schema is embedded for both dialects", "[sql][schema]") {
  for (auto d : {Dialect::SQLite, Dialect::MySQL}) {
    auto ddl = sqldb::schema_ddl(d);
    CHECK(ddl.find("CREATE TABLE IF NOT EXISTS occupation_ratings") != std::string_view::npos);
    auto statements = sqldb::split_sql_script(ddl);
    // schema_version, load_runs, scales, content_elements, occupations (+ index),
    // occupation_ratings (+ index), llm_assessments (+ index)
    CHECK(statements.size() >= 7);
  }
}

TEST_CASE("content elements are put in a domain by their id", "[sql][schema]") {
  CHECK(sqldb::element_domain("2.A.1.a") == "skills");
  CHECK(sqldb::element_domain("2.B.3.e") == "skills");
  CHECK(sqldb::element_domain("2.B") == "skills");
  CHECK(sqldb::element_domain("2.C.3.a") == "knowledge");
  CHECK(sqldb::element_domain("1.A.1.a.1") == "abilities");
  CHECK(sqldb::element_domain("2.Ab") == "other");
  CHECK(sqldb::element_domain("4.A.1") == "other");
}

TEST_CASE("an unreachable MySQL server fails the run cleanly, naming the redacted URL", "[sql][unreachable]") {
  const int port = closed_port();
  const std::string secret = "S3cr3t-Pw";
  const std::string url = "mysql://onet:" + secret + "@127.0.0.1:" + std::to_string(port) + "/onet";
  const std::string redacted = "mysql://onet:***@127.0.0.1:" + std::to_string(port) + "/onet";

  try {
    sqldb::open_session(DatabaseUrl::parse(url));
    FAIL("connected to a closed port");
  } catch (const sqldb::DatabaseUnavailable& e) {
    CHECK_THAT(e.what(), Catch::Contains("cannot connect to " + redacted));
    CHECK_THAT(e.what(), !Catch::Contains(secret));
    CHECK(sqldb::is_unavailable_error(e));
  }

  auto reg = sqltest::make_registry();
  auto report = sqltest::run_yaml(sqltest::load_yaml(url, "v1"), *reg);
  REQUIRE_FALSE(report.ok);
  CHECK(report.failed_node == "load");
  CHECK_THAT(report.error, Catch::Contains(redacted));
  CHECK_THAT(report.error, !Catch::Contains(secret));
  CHECK_THAT(report.to_json(), !Catch::Contains(secret));
  CHECK_THAT(report.to_table(), !Catch::Contains(secret));
}

TEST_CASE("an SQLite database that cannot be created fails the run, naming it", "[sql][unreachable]") {
  const std::string url = "sqlite:/proc/no-such-dir/onet.db";
  CHECK_THROWS_AS(sqldb::open_session(DatabaseUrl::parse(url)), sqldb::DatabaseUnavailable);
  auto reg = sqltest::make_registry();
  auto report = sqltest::run_yaml(sqltest::load_yaml(url, "v1"), *reg);
  REQUIRE_FALSE(report.ok);
  CHECK(report.failed_node == "load");
  CHECK_THAT(report.error, Catch::Contains("cannot open sqlite:/proc/no-such-dir/onet.db"));
}

TEST_CASE("a malformed database parameter is a configuration error of the node", "[sql][url]") {
  auto reg = sqltest::make_registry();
  auto report = sqltest::run_yaml(sqltest::load_yaml("mysql://u:hidden@h", "v1"), *reg);
  REQUIRE_FALSE(report.ok);
  CHECK(report.failed_node == "load");
  CHECK_THAT(report.error,
             Catch::Contains("parameter 'database'") && Catch::Contains("names no database") && !Catch::Contains("hidden"));
}

TEST_CASE("dagrun config masks the database parameter", "[sql][url]") {
  auto reg = sqltest::make_registry();
  dag::LoadOptions lo;
  lo.env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "DATABASE_URL") return "mysql://onet:FromTheEnv@db:3306/onet";
    return std::nullopt;
  };
  SECTION("given in the file") {
    auto doc = dag::parse_pipeline_doc(sqltest::load_yaml("mysql://onet:InTheFile@db/onet", "v1"), "p.yaml", lo);
    auto p = dag::resolve_pipeline(doc, *reg, lo);
    auto text = dag::render_config(doc, *reg, &p);
    CHECK_THAT(text, !Catch::Contains("InTheFile"));
  }
  SECTION("defaulted from DATABASE_URL") {
    const std::string yaml =
        "name: t\nnodes:\n  - id: src\n    type: test_onet_source\n"
        "  - id: load\n    type: sql_load\n    inputs: [src]\n";
    auto doc = dag::parse_pipeline_doc(yaml, "p.yaml", lo);
    auto p = dag::resolve_pipeline(doc, *reg, lo);
    CHECK(p.find("load")->params.str("database") == "mysql://onet:FromTheEnv@db:3306/onet");
    auto text = dag::render_config(doc, *reg, &p);
    CHECK_THAT(text, !Catch::Contains("FromTheEnv"));
  }
}
