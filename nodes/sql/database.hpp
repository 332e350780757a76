#pragma once
// The one place that knows how a database URL becomes a SOCI session. Everything else in the
// project talks to a repository built on top of this, so the SQL library choice stays local.
//   sqlite:data/onet.db            (path relative to the working directory)
//   sqlite::memory:
//   mysql://user:pass@host:port/db (MySQL 8 / MariaDB; ?socket=/path also accepted)
#include <memory>
#include <stdexcept>
#include <string>

namespace soci { class session; }

namespace sqldb {

enum class Dialect { SQLite, MySQL };

struct DatabaseUrl {
  Dialect dialect = Dialect::SQLite;
  std::string backend;   // SOCI backend name: "sqlite3" | "mysql"
  std::string connect;   // SOCI connection string (holds the password: never log it)
  std::string redacted;  // the URL with the password replaced by ***, safe for logs
  std::string sqlite_path;  // SQLite only
  // Throws std::invalid_argument naming what is wrong (never echoing the password).
  static DatabaseUrl parse(const std::string& url);
};

// The database cannot be reached (connection refused, server gone away, locked too long).
// The API maps this to 503; the load node to a clean failed run.
class DatabaseUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Opens a session; SQLite gets WAL, foreign keys and a busy timeout. Throws DatabaseUnavailable.
std::unique_ptr<soci::session> open_session(const DatabaseUrl& url);

// Creates missing tables from schema/<dialect>.sql (embedded at build time) and records the
// schema version. Idempotent.
void ensure_schema(soci::session& s, Dialect dialect);

}  // namespace sqldb
