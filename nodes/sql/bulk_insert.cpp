#include "nodes/sql/bulk_insert.hpp"

#include <charconv>
#include <stdexcept>

#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

namespace sqldb {

namespace {

// Owns a native prepared statement on the session's own MySQL connection.
struct NativeStatement {
  MYSQL_STMT* stmt = nullptr;
  NativeStatement() = default;
  NativeStatement(const NativeStatement&) = delete;
  NativeStatement& operator=(const NativeStatement&) = delete;
  ~NativeStatement() {
    if (stmt) mysql_stmt_close(stmt);
  }
};

[[noreturn]] void throw_stmt_error(MYSQL_STMT* stmt) {
  // The SOCI exception type, so callers classify it like any other driver error.
  throw soci::mysql_soci_error(mysql_stmt_error(stmt), static_cast<int>(mysql_stmt_errno(stmt)));
}

}  // namespace

struct BulkInsert::Impl {
  enum class Mode {
    SqliteVector,   // SOCI vector bind of a single-row INSERT
    MariadbArray,   // Connector/C array binding of a single-row INSERT (COM_STMT_BULK_EXECUTE)
    MysqlMultiRow,  // SOCI: one INSERT ... VALUES (...),(...) of batch_rows rows
  };

  struct Column {
    ColumnDef def;
    std::size_t slot = 0;    // index into the storage vector of its storage type
    bool text_real = false;  // a Real column kept as decimal text (MysqlMultiRow)
    ColumnType storage() const { return text_real ? ColumnType::Text : def.type; }
  };

  soci::session& session;
  Dialect dialect;
  Mode mode = Mode::SqliteVector;
  std::string table, verb;
  std::vector<Column> columns;
  std::size_t batch_rows;

  // Column storage, batch_rows long; rows [0, staged) hold data. MysqlMultiRow binds the
  // elements' addresses, so these vectors are sized once and never grow.
  std::vector<std::vector<std::string>> texts;
  std::vector<std::vector<double>> reals;
  std::vector<std::vector<long long>> ints;
  std::vector<std::vector<soci::indicator>> inds;  // per column
  std::vector<char> set_in_row;                    // per column, for the row being staged
  std::size_t staged = 0;
  std::string first_origin, last_origin;
  std::unique_ptr<soci::statement> full;  // SOCI statement prepared for a full batch

  // MariadbArray
  NativeStatement native;
  std::vector<std::vector<const char*>> text_ptrs;       // per text column
  std::vector<std::vector<unsigned long>> text_lengths;  // per text column
  std::vector<std::vector<char>> native_inds;            // per column

  Impl(soci::session& s, Dialect d, std::string t, std::vector<ColumnDef> cols, const BulkInsertOptions& opts)
      : session(s), dialect(d), table(std::move(t)), verb(opts.verb), batch_rows(opts.batch_rows) {
    if (batch_rows == 0) throw std::invalid_argument("BulkInsert: batch_rows must be positive");
    if (cols.empty()) throw std::invalid_argument("BulkInsert: no columns for " + table);
    for (auto& c : cols) columns.push_back(Column{std::move(c), 0, false});

    if (dialect == Dialect::MySQL) {
      mode = Mode::MysqlMultiRow;
      if (opts.mysql == MysqlInsert::ArrayBinding && prepare_native()) mode = Mode::MariadbArray;
    }
    for (std::size_t c = 0; c < columns.size(); ++c) {
      auto& col = columns[c];
      // For a multi-row statement, reals travel as their shortest round-trip decimal text
      // ("4.75"): SOCI's MySQL backend prints every double with 20 significant digits, costing
      // the client printf time and the server a longer statement to parse. The server turns
      // the text back into exactly the same double.
      col.text_real = mode == Mode::MysqlMultiRow && col.def.type == ColumnType::Real;
      switch (col.storage()) {
        case ColumnType::Text:
          col.slot = texts.size();
          texts.emplace_back(batch_rows);
          break;
        case ColumnType::Real:
          col.slot = reals.size();
          reals.emplace_back(batch_rows);
          break;
        case ColumnType::Integer:
          col.slot = ints.size();
          ints.emplace_back(batch_rows);
          break;
      }
      inds.emplace_back(batch_rows, soci::i_ok);
    }
    set_in_row.assign(columns.size(), 0);
    if (mode == Mode::MariadbArray) {
      text_ptrs.assign(texts.size(), std::vector<const char*>(batch_rows));
      text_lengths.assign(texts.size(), std::vector<unsigned long>(batch_rows));
      native_inds.assign(columns.size(), std::vector<char>(batch_rows, STMT_INDICATOR_NONE));
    }
  }

  std::string column_list() const {
    std::string names;
    for (const auto& c : columns) names += (names.empty() ? "" : ", ") + c.def.name;
    return names;
  }

  // SOCI syntax (:p0, :p1, ... — distinct names: SQLite maps equal names to one parameter).
  std::string soci_insert_sql(std::size_t rows) const {
    // sql-lint: fixed identifiers (verb, table and columns from the compile-time table definitions; values are :pN placeholders)
    std::string sql = verb + " INTO " + table + " (" + column_list() + ") VALUES ";
    std::size_t p = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      sql += r ? ",(" : "(";
      for (std::size_t c = 0; c < columns.size(); ++c) sql += (c ? ", :p" : ":p") + std::to_string(p++);
      sql += ')';
    }
    return sql;
  }

  // Connector/C's array binding, when the server supports it (MariaDB >= 10.2; not MySQL).
  bool prepare_native() {
    // libsoci_mysql exports no typeinfo for its backend: check the name, then cast.
    if (session.get_backend_name() != "mysql") return false;
    auto* backend = static_cast<soci::mysql_session_backend*>(session.get_backend());
    if (!backend || !backend->conn_) return false;
    // What MARIADB_STMT_BULK_SUPPORTED checks, through the public accessor: a MariaDB server
    // (no CLIENT_MYSQL bit) announcing bulk operations in its extended capabilities.
    unsigned long caps = 0, ext_caps = 0;
    if (mariadb_get_infov(backend->conn_, MARIADB_CONNECTION_SERVER_CAPABILITIES, &caps) != 0 ||
        mariadb_get_infov(backend->conn_, MARIADB_CONNECTION_EXTENDED_SERVER_CAPABILITIES, &ext_caps) != 0) {
      return false;
    }
    if ((caps & CLIENT_MYSQL) || !(ext_caps & (MARIADB_CLIENT_STMT_BULK_OPERATIONS >> 32))) {
      return false;
    }
    native.stmt = mysql_stmt_init(backend->conn_);
    if (!native.stmt) throw std::runtime_error("mysql_stmt_init failed: out of memory");
    // sql-lint: fixed identifiers (verb, table and columns from the table definitions; values are ? placeholders)
    std::string sql = verb + " INTO " + table + " (" + column_list() + ") VALUES (";
    for (std::size_t c = 0; c < columns.size(); ++c) sql += c ? ", ?" : "?";
    sql += ')';
    // sql-lint: the statement built just above (placeholders only)
    if (mysql_stmt_prepare(native.stmt, sql.c_str(), static_cast<unsigned long>(sql.size())) != 0) {
      throw_stmt_error(native.stmt);
    }
    return true;
  }

  template <class T>
  void bind_element(soci::statement& st, std::vector<T>& v, std::size_t c, std::size_t r) {
    st.exchange(soci::use(v[r], inds[c][r]));
  }

  std::unique_ptr<soci::statement> prepare_soci(std::size_t rows) {
    auto st = std::make_unique<soci::statement>(session);
    if (mode == Mode::SqliteVector) {
      for (std::size_t c = 0; c < columns.size(); ++c) {
        const auto& col = columns[c];
        switch (col.storage()) {
          case ColumnType::Text:
            st->exchange(soci::use(texts[col.slot], inds[c]));
            break;
          case ColumnType::Real:
            st->exchange(soci::use(reals[col.slot], inds[c]));
            break;
          case ColumnType::Integer:
            st->exchange(soci::use(ints[col.slot], inds[c]));
            break;
        }
      }
      st->alloc();
      st->prepare(soci_insert_sql(1));
    } else {
      for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < columns.size(); ++c) {
          const auto& col = columns[c];
          switch (col.storage()) {
            case ColumnType::Text:
              bind_element(*st, texts[col.slot], c, r);
              break;
            case ColumnType::Real:
              bind_element(*st, reals[col.slot], c, r);
              break;
            case ColumnType::Integer:
              bind_element(*st, ints[col.slot], c, r);
              break;
          }
        }
      }
      st->alloc();
      st->prepare(soci_insert_sql(rows));
    }
    st->define_and_bind();
    return st;
  }

  // SQLite's vector bind sends as many rows as the vectors hold.
  void resize_storage(std::size_t n) {
    for (auto& v : texts) v.resize(n);
    for (auto& v : reals) v.resize(n);
    for (auto& v : ints) v.resize(n);
    for (auto& v : inds) v.resize(n, soci::i_ok);
  }

  void execute_native(std::size_t n) {
    std::vector<MYSQL_BIND> binds(columns.size());
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const auto& col = columns[c];
      auto& b = binds[c];
      b = MYSQL_BIND{};
      for (std::size_t r = 0; r < n; ++r) {
        native_inds[c][r] = inds[c][r] == soci::i_null ? STMT_INDICATOR_NULL : STMT_INDICATOR_NONE;
      }
      b.u.indicator = native_inds[c].data();
      switch (col.storage()) {
        case ColumnType::Text: {
          auto& ptrs = text_ptrs[col.slot];
          auto& lens = text_lengths[col.slot];
          for (std::size_t r = 0; r < n; ++r) {
            ptrs[r] = texts[col.slot][r].data();
            lens[r] = static_cast<unsigned long>(texts[col.slot][r].size());
          }
          b.buffer_type = MYSQL_TYPE_STRING;
          b.buffer = ptrs.data();  // column-wise: an array of pointers for variable length
          b.length = lens.data();
          break;
        }
        case ColumnType::Real:
          b.buffer_type = MYSQL_TYPE_DOUBLE;
          b.buffer = reals[col.slot].data();
          break;
        case ColumnType::Integer:
          b.buffer_type = MYSQL_TYPE_LONGLONG;
          b.buffer = ints[col.slot].data();
          break;
      }
    }
    unsigned int size = static_cast<unsigned int>(n);
    if (mysql_stmt_attr_set(native.stmt, STMT_ATTR_ARRAY_SIZE, &size) != 0 ||
        mysql_stmt_bind_param(native.stmt, binds.data()) != 0 || mysql_stmt_execute(native.stmt) != 0) {
      throw_stmt_error(native.stmt);
    }
  }

  void execute(std::size_t n) {
    switch (mode) {
      case Mode::SqliteVector:
        if (!full) full = prepare_soci(batch_rows);
        if (n < batch_rows) resize_storage(n);
        try {
          full->execute(true);
        } catch (...) {
          if (n < batch_rows) resize_storage(batch_rows);
          throw;
        }
        if (n < batch_rows) resize_storage(batch_rows);
        break;
      case Mode::MariadbArray:
        execute_native(n);
        break;
      case Mode::MysqlMultiRow:
        if (n == batch_rows) {
          if (!full) full = prepare_soci(batch_rows);
          full->execute(true);
        } else {
          prepare_soci(n)->execute(true);  // the last, shorter batch of a table: used once
        }
        break;
    }
  }

  Column& column(std::size_t col, ColumnType expected) {
    auto& c = columns.at(col);
    if (c.def.type != expected) {
      throw std::logic_error("BulkInsert: " + table + "." + c.def.name + " has another type");
    }
    set_in_row[col] = 1;
    return c;
  }
};

BulkInsert::BulkInsert(soci::session& s, Dialect dialect, std::string table, std::vector<ColumnDef> columns,
                       const BulkInsertOptions& opts)
    : impl_(std::make_unique<Impl>(s, dialect, table, std::move(columns), opts)), table_(std::move(table)) {}

BulkInsert::~BulkInsert() = default;

const char* BulkInsert::method() const {
  switch (impl_->mode) {
    case Impl::Mode::SqliteVector:
      return "SOCI vector binding";
    case Impl::Mode::MariadbArray:
      return "MariaDB array binding";
    case Impl::Mode::MysqlMultiRow:
      return "SOCI multi-row INSERT";
  }
  return "?";
}

void BulkInsert::text(std::size_t col, std::string_view v) {
  auto& c = impl_->column(col, ColumnType::Text);
  impl_->texts[c.slot][impl_->staged].assign(v);
  impl_->inds[col][impl_->staged] = soci::i_ok;
}

void BulkInsert::nullable_text(std::size_t col, std::optional<std::string_view> v) {
  auto& c = impl_->column(col, ColumnType::Text);
  impl_->texts[c.slot][impl_->staged].assign(v.value_or(std::string_view()));
  impl_->inds[col][impl_->staged] = v ? soci::i_ok : soci::i_null;
}

void BulkInsert::real(std::size_t col, std::optional<double> v) {
  auto& c = impl_->column(col, ColumnType::Real);
  if (c.text_real) {
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof buf, v.value_or(0.0));
    impl_->texts[c.slot][impl_->staged].assign(buf, res.ptr);
  } else {
    impl_->reals[c.slot][impl_->staged] = v.value_or(0.0);
  }
  impl_->inds[col][impl_->staged] = v ? soci::i_ok : soci::i_null;
}

void BulkInsert::integer(std::size_t col, std::optional<long long> v) {
  auto& c = impl_->column(col, ColumnType::Integer);
  impl_->ints[c.slot][impl_->staged] = v.value_or(0);
  impl_->inds[col][impl_->staged] = v ? soci::i_ok : soci::i_null;
}

void BulkInsert::end_row(std::string_view origin) {
  auto& im = *impl_;
  for (std::size_t c = 0; c < im.columns.size(); ++c) {
    if (!im.set_in_row[c]) {
      throw std::logic_error("BulkInsert: column " + table_ + "." + im.columns[c].def.name + " not set for the row from " +
                             std::string(origin));
    }
    im.set_in_row[c] = 0;
  }
  if (im.staged == 0) im.first_origin.assign(origin);
  im.last_origin.assign(origin);
  if (++im.staged == im.batch_rows) flush();
}

void BulkInsert::flush() {
  auto& im = *impl_;
  if (im.staged == 0) return;
  const std::size_t n = im.staged;
  try {
    im.execute(n);
  } catch (const std::exception& e) {
    std::string msg = "inserting " + std::to_string(n) + " row(s) into " + table_ + " (" + im.first_origin +
                      (n > 1 ? " .. " + im.last_origin : std::string()) + "): ";
    auto se = dynamic_cast<const soci::soci_error*>(&e);
    msg += se ? se->get_error_message() : std::string(e.what());
    im.staged = 0;
    if (is_unavailable_error(e)) throw DatabaseUnavailable(msg);
    throw std::runtime_error(msg);
  }
  im.staged = 0;
  written_ += n;
}

}  // namespace sqldb
