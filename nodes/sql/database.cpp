#include "nodes/sql/database.hpp"

#include <cctype>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <optional>

#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "common/redact.hpp"
#include "common/text.hpp"
#include "nodes/sql/schema_text.hpp"

namespace sqldb {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Percent-decoding; `what` names the URL part for the error (never its value: it may be the
// password).
std::string percent_decode(std::string_view s, const char* what, const std::string& shown) {
  auto out = common::percent_decode(s);
  if (!out) {
    throw std::invalid_argument(std::string("database URL '") + shown + "': bad %-escape in the " + what +
                                " (use %XX with two hex digits)");
  }
  return std::move(*out);
}

std::optional<int> parse_int(std::string_view s, int lo, int hi) {
  auto v = common::parse_decimal(s, lo, hi);
  return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
}

// A value for SOCI's MySQL connection string: single-quoted, with \ and ' escaped.
std::string quote_connect_value(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

// The driver's own message without SOCI's appended statement context, which can quote every
// bound value of a large statement.
std::string driver_message(const std::exception& e) {
  if (auto se = dynamic_cast<const soci::soci_error*>(&e)) return se->get_error_message();
  return e.what();
}

}  // namespace

DatabaseUrl DatabaseUrl::parse(const std::string& url) {
  DatabaseUrl u;
  if (starts_with(url, "sqlite:")) {
    std::string path = url.substr(7);
    if (path != ":memory:" && starts_with(path, "//")) path = path.substr(2);
    if (path.empty()) {
      throw std::invalid_argument("database URL '" + url + "' has no file path (expected e.g. sqlite:data/onet.db)");
    }
    // SOCI's SQLite connection string is space/'='-separated key=value text; a path with '='
    // or a double quote cannot be passed through it reliably.
    if (path.find('=') != std::string::npos || path.find('"') != std::string::npos) {
      throw std::invalid_argument("database URL '" + url + "': the SQLite path must not contain '=' or '\"'");
    }
    u.dialect = Dialect::SQLite;
    u.backend = "sqlite3";
    u.sqlite_path = path;
    u.connect = "db=\"" + path + "\"";
    u.redacted = common::redact_url(url);  // unchanged: a sqlite: URL carries no credentials
    return u;
  }

  std::string scheme;
  if (starts_with(url, "mysql://"))
    scheme = "mysql";
  else if (starts_with(url, "mariadb://"))
    scheme = "mariadb";
  // Every message quotes the URL as redact_url() shows it, which hides exactly the password
  // read below: both come from the same split_url().
  const std::string shown = common::redact_url(url);
  if (scheme.empty()) {
    throw std::invalid_argument("unsupported database URL '" + shown +
                                "' (expected sqlite:PATH or mysql://user:pass@host:port/db)");
  }
  // The last '@' ends the user info, so an unencoded '@', ':' or '/' in a password still works.
  const common::UrlParts parts = *common::split_url(url);
  const std::string userinfo(parts.userinfo);
  std::string hostpart(parts.rest);
  if (!userinfo.empty()) {
    u.user = percent_decode(parts.user, "user name", shown);
    if (parts.password) {
      u.raw_secret_ = std::string(*parts.password);
      u.secret_ = percent_decode(*parts.password, "password", shown);
    }
  }

  std::string query;
  if (auto q = hostpart.find('?'); q != std::string::npos) {
    query = hostpart.substr(q + 1);
    hostpart = hostpart.substr(0, q);
  }
  std::string hostport = hostpart, db;
  if (auto slash = hostpart.find('/'); slash != std::string::npos) {
    hostport = hostpart.substr(0, slash);
    db = percent_decode(std::string_view(hostpart).substr(slash + 1), "database name", shown);
  }

  // host, [ipv6], host:port, [ipv6]:port
  std::string port_text;
  if (starts_with(hostport, "[")) {
    auto close = hostport.find(']');
    if (close == std::string::npos) {
      throw std::invalid_argument("database URL '" + shown + "': unclosed '[' in the host");
    }
    u.host = hostport.substr(1, close - 1);
    std::string after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') throw std::invalid_argument("database URL '" + shown + "': bad host");
      port_text = after.substr(1);
    }
  } else if (auto colon = hostport.rfind(':'); colon != std::string::npos) {
    u.host = hostport.substr(0, colon);
    port_text = hostport.substr(colon + 1);
  } else {
    u.host = hostport;
  }
  if (!port_text.empty() || hostport.find(':') != std::string::npos) {
    auto p = parse_int(port_text, 1, 65535);
    if (!p) {
      throw std::invalid_argument("database URL '" + shown + "': port '" + port_text + "' is not a number in 1..65535");
    }
    u.port = *p;
  }

  std::size_t pos = 0;
  while (pos < query.size()) {
    auto amp = query.find('&', pos);
    std::string item = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    pos = amp == std::string::npos ? query.size() : amp + 1;
    if (item.empty()) continue;
    auto eq = item.find('=');
    std::string key = item.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : percent_decode(item.substr(eq + 1), key.c_str(), shown);
    if (key == "socket") {
      u.socket = value;
    } else if (key == "charset") {
      u.charset_ = value;
    } else if (key == "connect_timeout" || key == "timeout") {
      auto v = parse_int(value, 1, 86400);
      if (!v) {
        throw std::invalid_argument("database URL '" + shown + "': " + key + "='" + value + "' is not a number of seconds");
      }
      (key == "timeout" ? u.io_timeout_ : u.connect_timeout_) = *v;
    } else {
      throw std::invalid_argument("database URL '" + shown + "': unknown parameter '" + key +
                                  "' (known: socket, charset, connect_timeout, timeout)");
    }
  }

  if (db.empty()) {
    throw std::invalid_argument("database URL '" + shown + "' names no database (expected mysql://user:pass@host:port/db)");
  }
  if (u.host.empty() && u.socket.empty()) {
    throw std::invalid_argument("database URL '" + shown + "' names no host and no ?socket=");
  }
  u.dialect = Dialect::MySQL;
  u.backend = "mysql";
  u.database = db;

  u.redacted = shown;
  u.build_mysql_connect();
  return u;
}

void DatabaseUrl::build_mysql_connect() {
  std::string c = "db=" + quote_connect_value(database);
  if (!user.empty()) c += " user=" + quote_connect_value(user);
  if (!secret_.empty()) c += " password=" + quote_connect_value(secret_);
  if (!host.empty()) c += " host=" + quote_connect_value(host);
  if (port != 0) c += " port=" + std::to_string(port);
  if (!socket.empty()) c += " unix_socket=" + quote_connect_value(socket);
  if (!charset_.empty()) c += " charset=" + quote_connect_value(charset_);
  c += " connect_timeout=" + std::to_string(connect_timeout_);
  c += " read_timeout=" + std::to_string(io_timeout_);
  c += " write_timeout=" + std::to_string(io_timeout_);
  connect = std::move(c);
}

std::string DatabaseUrl::scrub(std::string text) const {
  // Both spellings: a driver may quote the decoded password or the URL's %-encoded text.
  return common::scrub(common::scrub(std::move(text), secret_), raw_secret_);
}

DatabaseUrl DatabaseUrl::with_database(const std::string& db) const {
  if (dialect != Dialect::MySQL) {
    throw std::invalid_argument("with_database: '" + redacted + "' is not a MySQL URL");
  }
  if (db.empty()) throw std::invalid_argument("with_database: empty database name");
  DatabaseUrl u = *this;
  // The redacted form ends with /<db>[?query]; swap the database part only.
  auto scheme_end = u.redacted.find("://") + 3;
  auto slash = u.redacted.find('/', u.redacted.rfind('@') == std::string::npos ? scheme_end : u.redacted.rfind('@'));
  auto q = u.redacted.find('?', slash);
  u.redacted = u.redacted.substr(0, slash + 1) + db + (q == std::string::npos ? std::string() : u.redacted.substr(q));
  u.database = db;
  u.build_mysql_connect();
  return u;
}

std::unique_ptr<soci::session> open_session(const DatabaseUrl& url, const SessionOptions& opts) {
  if (url.dialect == Dialect::SQLite) {
    if (opts.create_parent_dir && url.sqlite_path != ":memory:") {
      auto parent = std::filesystem::path(url.sqlite_path).parent_path();
      std::error_code ec;
      if (!parent.empty()) std::filesystem::create_directories(parent, ec);
      if (ec) {
        throw DatabaseUnavailable("cannot open " + url.redacted + ": cannot create directory '" + parent.string() +
                                  "': " + ec.message());
      }
    }
    try {
      auto s = std::make_unique<soci::session>(soci::sqlite3, url.connect);
      // sql-lint: integer from the program's own options (PRAGMA takes no bound parameter)
      *s << "PRAGMA busy_timeout = " + std::to_string(opts.busy_timeout_ms);
      *s << "PRAGMA foreign_keys = ON";
      // WAL lets readers keep their snapshot while a load writes (":memory:" stays "memory").
      std::string mode;
      *s << "PRAGMA journal_mode = WAL", soci::into(mode);
      return s;
    } catch (const std::exception& e) {
      throw DatabaseUnavailable("cannot open " + url.redacted + ": " + driver_message(e));
    }
  }

  std::unique_ptr<soci::session> s;
  try {
    s = std::make_unique<soci::session>(soci::mysql, url.connect);
  } catch (const std::exception& e) {
    throw DatabaseUnavailable("cannot connect to " + url.redacted + ": " + url.scrub(driver_message(e)));
  }
  try {
    // Strict mode: a value that does not fit is an error, never a silent truncation.
    *s << "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
          "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'";
    *s << "SET SESSION time_zone = '+00:00'";
  } catch (const std::exception& e) {
    throw DatabaseUnavailable("cannot set up the session on " + url.redacted + ": " + url.scrub(driver_message(e)));
  }
  return s;
}

std::string_view schema_ddl(Dialect dialect) {
  return dialect == Dialect::SQLite ? embedded_schema_sqlite() : embedded_schema_mysql();
}

std::vector<std::string> split_sql_script(std::string_view script) {
  std::vector<std::string> out;
  std::string cur;
  auto push = [&] {
    auto b = cur.find_first_not_of(" \t\r\n");
    if (b != std::string::npos) {
      auto e = cur.find_last_not_of(" \t\r\n");
      out.push_back(cur.substr(b, e - b + 1));
    }
    cur.clear();
  };
  for (std::size_t i = 0; i < script.size(); ++i) {
    char c = script[i];
    if (c == '-' && i + 1 < script.size() && script[i + 1] == '-') {
      while (i < script.size() && script[i] != '\n') ++i;
      cur += '\n';
    } else if (c == '/' && i + 1 < script.size() && script[i + 1] == '*') {
      auto end = script.find("*/", i + 2);
      i = end == std::string_view::npos ? script.size() : end + 1;
      cur += ' ';
    } else if (c == '\'' || c == '"' || c == '`') {
      cur += c;
      for (++i; i < script.size(); ++i) {
        cur += script[i];
        if (script[i] == c) {
          if (i + 1 < script.size() && script[i + 1] == c) {  // doubled quote
            cur += script[++i];
            continue;
          }
          break;
        }
      }
    } else if (c == ';') {
      push();
    } else {
      cur += c;
    }
  }
  push();
  return out;
}

int schema_version(soci::session& s, Dialect dialect) {
  int present = 0;
  if (dialect == Dialect::SQLite) {
    s << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'", soci::into(present);
  } else {
    s << "SELECT COUNT(*) FROM information_schema.tables "
         "WHERE table_schema = DATABASE() AND table_name = 'schema_version'",
        soci::into(present);
  }
  if (present == 0) return 0;
  int version = 0;
  soci::indicator ind = soci::i_null;
  s << "SELECT MAX(version) FROM schema_version", soci::into(version, ind);
  return ind == soci::i_ok ? version : 0;
}

namespace {

// load_runs columns added by schema version 2 (one row count per new table).
constexpr const char* kV2LoadRunColumns[] = {
    "task_statements",     "alternate_titles",  "reported_titles",        "job_zones",   "job_zone_reference",
    "level_scale_anchors", "technology_skills", "technology_commodities", "ete_ratings", "ete_categories"};

bool has_column(soci::session& s, Dialect dialect, const std::string& table, const std::string& column) {
  int n = 0;
  if (dialect == Dialect::SQLite) {
    s << "SELECT COUNT(*) FROM pragma_table_info(:t) WHERE name = :c", soci::use(table), soci::use(column), soci::into(n);
  } else {
    s << "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() "
         "AND table_name = :t AND column_name = :c",
        soci::use(table), soci::use(column), soci::into(n);
  }
  return n > 0;
}

// Version 1 -> 2. The new tables come from the DDL (CREATE ... IF NOT EXISTS); the existing
// load_runs table only gets its new columns here. Each column is added only when missing, so a
// migration cut short (MySQL commits every ALTER on its own) completes on the next run.
void migrate_to_v2(soci::session& s, Dialect dialect) {
  const std::string type = dialect == Dialect::SQLite ? "INTEGER" : "INT";
  for (const char* column : kV2LoadRunColumns) {
    if (has_column(s, dialect, "load_runs", column)) continue;
    // sql-lint: fixed identifiers (column names from kV2LoadRunColumns, type from the dialect)
    s << "ALTER TABLE load_runs ADD COLUMN " + std::string(column) + " " + type + " NOT NULL DEFAULT 0";
  }
  if (!has_column(s, dialect, "load_runs", "estimate_summary")) {
    s << "ALTER TABLE load_runs ADD COLUMN estimate_summary TEXT";
  }
}

}  // namespace

void ensure_schema(soci::session& s, Dialect dialect) {
  int current = schema_version(s, dialect);
  if (current > kSchemaVersion) {
    throw std::runtime_error("the database has schema version " + std::to_string(current) + ", newer than this program's " +
                             std::to_string(kSchemaVersion) + "; use a newer build or another database");
  }
  const auto statements = split_sql_script(schema_ddl(dialect));
  // SQLite DDL is transactional: either the whole schema appears or none of it. MySQL commits
  // each DDL statement implicitly; CREATE ... IF NOT EXISTS makes a re-run complete it.
  std::optional<soci::transaction> tx;
  if (dialect == Dialect::SQLite) tx.emplace(s);
  for (const auto& stmt : statements) {
    try {
      s << stmt;  // sql-lint: fixed text (the embedded schema/*.sql DDL)
    } catch (const soci::soci_error& e) {
      auto first_line = stmt.substr(0, stmt.find('\n'));
      throw std::runtime_error("creating the schema failed at '" + first_line + "': " + e.get_error_message());
    }
  }
  // Migrations, one step per version above the database's: for v in current+1..kSchemaVersion
  // apply its changes, then record v. A new database (current 0) has the latest DDL already.
  if (current >= 1 && current < 2) migrate_to_v2(s, dialect);
  if (current < kSchemaVersion) {
    int rows = 0;
    const int version = kSchemaVersion;
    s << "SELECT COUNT(*) FROM schema_version WHERE version = :v", soci::use(version), soci::into(rows);
    if (rows == 0) {
      // Bound values must outlive the statement, which runs at the end of the expression.
      const std::string now = utc_now_iso8601();
      s << "INSERT INTO schema_version (version, applied_at) VALUES (:v, :t)", soci::use(version), soci::use(now);
    }
  }
  if (tx) tx->commit();
}

bool is_unavailable_error(const std::exception& e) {
  if (dynamic_cast<const DatabaseUnavailable*>(&e)) return true;
  if (auto m = dynamic_cast<const soci::mysql_soci_error*>(&e)) {
    switch (m->err_num_) {
      case 1040:  // ER_CON_COUNT_ERROR: too many connections
      case 1053:  // ER_SERVER_SHUTDOWN
      case 1205:  // ER_LOCK_WAIT_TIMEOUT: another writer held the rows too long
      case 1927:  // ER_CONNECTION_KILLED
      case 2002:  // CR_CONNECTION_ERROR (socket)
      case 2003:  // CR_CONN_HOST_ERROR (TCP)
      case 2005:  // CR_UNKNOWN_HOST
      case 2006:  // CR_SERVER_GONE_ERROR
      case 2013:  // CR_SERVER_LOST
      case 2055:  // CR_SERVER_LOST_EXTENDED
      case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
        return true;
      default:
        return false;
    }
  }
  if (auto q = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    switch (q->result() & 0xff) {
      case 5:   // SQLITE_BUSY
      case 6:   // SQLITE_LOCKED
      case 10:  // SQLITE_IOERR
      case 14:  // SQLITE_CANTOPEN
        return true;
      default:
        return false;
    }
  }
  if (auto se = dynamic_cast<const soci::soci_error*>(&e)) {
    return se->get_error_category() == soci::soci_error::connection_error;
  }
  return false;
}

std::string utc_now_iso8601() { return utc_iso8601(std::chrono::system_clock::now()); }

std::string utc_iso8601(std::chrono::system_clock::time_point at) {
  auto t = std::chrono::system_clock::to_time_t(at);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace sqldb
