#pragma once
// The one place that knows how a database URL becomes a SOCI session. Everything else in the
// project talks to a repository built on top of this, so the SQL library choice stays local.
//   sqlite:data/onet.db            (path relative to the working directory)
//   sqlite:///abs/path/onet.db     (same as sqlite:/abs/path/onet.db)
//   sqlite::memory:
//   mysql://user:pass@host:port/db (MySQL 8 / MariaDB; ?socket=/path also accepted;
//                                   mariadb:// is a synonym; user and password may be
//                                   percent-encoded, e.g. %40 for '@')
// Optional MySQL query parameters: socket=/path, charset=utf8mb4 (default), connect_timeout=10,
// timeout=30 (read/write timeout in seconds; a stopped server fails the run instead of hanging).
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace soci {
class session;
}

namespace sqldb {

enum class Dialect { SQLite, MySQL };

struct DatabaseUrl {
  Dialect dialect = Dialect::SQLite;
  std::string backend;      // SOCI backend name: "sqlite3" | "mysql"
  std::string connect;      // SOCI connection string (holds the password: never log it)
  std::string redacted;     // common::redact_url() of the URL: the password as parsed -> ***, safe for logs
  std::string sqlite_path;  // SQLite only
  // MySQL only (empty for SQLite); the password is not kept outside `connect`.
  std::string host, user, database, socket;
  int port = 0;  // 0 = client default (3306)

  // Throws std::invalid_argument naming what is wrong (never echoing the password).
  static DatabaseUrl parse(const std::string& url);

  // `text` with every occurrence of the password replaced by ***: for messages that come from
  // a driver and might quote what they were given.
  std::string scrub(std::string text) const;

  // Same server and credentials, another database (MySQL) — used by tests and tools that keep
  // one scratch database per run. Throws std::invalid_argument for SQLite.
  DatabaseUrl with_database(const std::string& db) const;

 private:
  std::string secret_;      // the password, only to scrub() messages; never printed
  std::string raw_secret_;  // the same as written in the URL (%-encoded), also scrubbed
  std::string charset_ = "utf8mb4";
  int connect_timeout_ = 10, io_timeout_ = 30;
  void build_mysql_connect();
};

// The database cannot be reached (connection refused, server gone away, locked too long).
// The API maps this to 503; the load node to a clean failed run.
class DatabaseUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SessionOptions {
  // SQLite: create the parent directory of the database file when missing (writers want
  // this; a read-only reader may prefer an error instead of an empty new database).
  bool create_parent_dir = true;
  // SQLite busy timeout: how long a statement waits for another connection's lock.
  int busy_timeout_ms = 10000;
};

// Opens a session; SQLite gets WAL, foreign keys and a busy timeout; MySQL gets strict SQL mode,
// UTC and utf8mb4. Throws DatabaseUnavailable (message names url.redacted, never the password).
std::unique_ptr<soci::session> open_session(const DatabaseUrl& url, const SessionOptions& opts = {});

// The schema version this program writes (schema_version.version):
//   1  occupations, content elements, scales, ratings, load runs, LLM assessments;
//   2  + task statements, alternate and reported titles, job zones and their reference, level
//      scale anchors, technology skills and commodities, education/training/experience and its
//      categories; load_runs gets a row count for each.
inline constexpr int kSchemaVersion = 2;

// Creates missing tables from schema/<dialect>.sql (embedded at build time), migrates an older
// database (version 1 -> 2: the new load_runs columns) and records the schema version.
// Idempotent, also after a migration cut short. Throws std::runtime_error when the database was
// written by a newer schema than this program knows.
void ensure_schema(soci::session& s, Dialect dialect);

// The version recorded in schema_version; 0 when the table is absent or empty.
int schema_version(soci::session& s, Dialect dialect);

// The embedded DDL text for a dialect (schema/sqlite.sql or schema/mysql.sql).
std::string_view schema_ddl(Dialect dialect);

// Splits an SQL script into statements at ';', ignoring ';' inside quotes and comments;
// comments are dropped and empty statements skipped.
std::vector<std::string> split_sql_script(std::string_view script);

// True when a driver error means the database is not reachable (connection refused or lost,
// server gone away, SQLite file cannot be opened or is locked past the busy timeout) rather
// than a problem with the statement or the data.
bool is_unavailable_error(const std::exception& e);

// ISO-8601 UTC timestamp of now, e.g. "2025-03-01T12:34:56Z" (the format of *_at columns).
std::string utc_now_iso8601();
// The same format for any moment.
std::string utc_iso8601(std::chrono::system_clock::time_point t);

}  // namespace sqldb
