// Issue 10: the database URL parser and every redaction agree on what the password is, for the
// passwords of tests/security/passwords.tsv ('@', ':', '/', '%40', '#', empty) in every URL
// shape: DatabaseUrl::redacted, parse errors, scrub(), `dagrun config` and validation messages.
#include <catch2/catch.hpp>

#include "common/redact.hpp"
#include "engine/pipeline.hpp"
#include "engine/registry.hpp"
#include "nodes/sql/database.hpp"
#include "support/test_support.hpp"
#include "tests/security/passwords.hpp"

namespace dag {
void register_sql_nodes(Registry& r);
void register_estimate_nodes(Registry& r);
}  // namespace dag

namespace {

const std::vector<secrets_test::Password>& passwords() {
  static const auto p = secrets_test::load_passwords(testing_support::repo_path("tests/security/passwords.tsv"));
  return p;
}

// `text` contains no piece of the password (nor, when it is not empty, the whole of it).
void check_hidden(const std::string& text, const secrets_test::Password& pw) {
  INFO(text);
  for (const auto& piece : pw.pieces) CHECK(text.find(piece) == std::string::npos);
  if (!pw.raw.empty()) CHECK(text.find(pw.raw) == std::string::npos);
  if (!pw.decoded.empty()) CHECK(text.find(pw.decoded) == std::string::npos);
}

struct Shape {
  std::string before, after;  // URL = before + password + after
  std::string redacted;       // what every output shows
};

const std::vector<Shape> kShapes = {
    {"mysql://onet:", "@127.0.0.1:3306/onet", "mysql://onet:***@127.0.0.1:3306/onet"},
    {"mariadb://onet:", "@db.example/onet?timeout=5", "mariadb://onet:***@db.example/onet?timeout=5"},
    {"mysql://onet:", "@[::1]:3310/onet", "mysql://onet:***@[::1]:3310/onet"},
    {"mysql://onet:", "@/onet?socket=/run/mysqld/mysqld.sock", "mysql://onet:***@/onet?socket=/run/mysqld/mysqld.sock"},
};

}  // namespace

TEST_CASE("the URL parser and the redaction agree on the password", "[sql][url][security]") {
  REQUIRE(passwords().size() >= 6);
  for (const auto& pw : passwords()) {
    for (const auto& shape : kShapes) {
      const std::string url = shape.before + pw.raw + shape.after;
      INFO("password '" << pw.name << "', URL " << url);
      auto parts = common::split_url(url);
      REQUIRE(parts);
      REQUIRE(parts->password);
      CHECK(*parts->password == pw.raw);

      auto u = sqldb::DatabaseUrl::parse(url);
      CHECK(u.user == "onet");
      CHECK(u.database == "onet");
      if (pw.decoded.empty())
        CHECK_THAT(u.connect, !Catch::Contains("password="));
      else
        CHECK_THAT(u.connect, Catch::Contains("password='" + pw.decoded + "'"));
      CHECK(u.redacted == shape.redacted);
      CHECK(common::redact_url(url) == shape.redacted);
      CHECK(common::redact_urls_in("connecting to " + url) == "connecting to " + shape.redacted);
      check_hidden(u.redacted, pw);
      check_hidden(u.scrub("driver says: " + pw.decoded + " / " + pw.raw + " / " + url), pw);
    }
  }
}

TEST_CASE("a URL the parser refuses is quoted with the same password hidden", "[sql][url][security]") {
  for (const auto& pw : passwords()) {
    for (const auto& [url, says] : std::vector<std::pair<std::string, std::string>>{
             {"mysql://onet:" + pw.raw + "@host:99999/onet", "mysql://onet:***@host:99999/onet': port '99999'"},
             {"mysql://onet:" + pw.raw + "@host/onet?sslmode=on", "mysql://onet:***@host/onet?sslmode=on': unknown parameter"},
             {"postgres://onet:" + pw.raw + "@host/onet", "unsupported database URL 'postgres://onet:***@host/onet'"},
             {"mysql://onet:" + pw.raw + "@host", "database URL 'mysql://onet:***@host' names no database"},
         }) {
      INFO("password '" << pw.name << "', URL " << url);
      try {
        sqldb::DatabaseUrl::parse(url);
        FAIL("no error");
      } catch (const std::invalid_argument& e) {
        CHECK_THAT(e.what(), Catch::Contains(says));
        check_hidden(e.what(), pw);
      }
    }
  }
}

TEST_CASE("dagrun config and validation messages hide the same password", "[sql][url][security][config]") {
  dag::Registry reg;
  dag::register_engine_nodes(reg);
  dag::register_sql_nodes(reg);
  dag::register_estimate_nodes(reg);  // text_estimate sits in the pipelines
  for (const auto& pw : passwords()) {
    const std::string url = "mysql://onet:" + pw.raw + "@127.0.0.1:3306/onet";
    INFO("password '" << pw.name << "'");
    dag::LoadOptions opts;
    opts.env = [&](const std::string& k) -> std::optional<std::string> {
      if (k == "DATABASE_URL") return url;
      return std::nullopt;
    };
    // The URL as a Secret param, inside an ordinary setting, and where an int is expected.
    const std::string yaml =
        "name: x\n"
        "settings:\n  target: \"load into ${DATABASE_URL}\"\n"
        "nodes:\n"
        "  - {id: a, type: sql_load, params: {database: \"${DATABASE_URL}\"}}\n"
        "  - {id: b, type: sql_load, params: {batch_rows: \"${DATABASE_URL}\"}}\n";
    auto doc = dag::parse_pipeline_doc(yaml, "p.yaml", opts);
    const std::string config = dag::render_config(doc, reg);
    CHECK_THAT(config, Catch::Contains("database: \"mysql://onet:***@127.0.0.1:3306/onet\"") ||
                           Catch::Contains("database: mysql://onet:***@127.0.0.1:3306/onet"));
    CHECK_THAT(config, Catch::Contains("load into mysql://onet:***@127.0.0.1:3306/onet"));
    check_hidden(config, pw);
    try {
      dag::resolve_pipeline(doc, reg, opts);
      FAIL("expected diagnostics");
    } catch (const dag::PipelineError& e) {
      const std::string text = e.diagnostics().str();
      CHECK_THAT(text, Catch::Contains("parameter 'batch_rows' expects int, got 'mysql://onet:***@127.0.0.1:3306/onet'"));
      check_hidden(text, pw);
      check_hidden(e.what(), pw);
    }
  }
}
