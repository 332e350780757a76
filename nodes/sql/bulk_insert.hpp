#pragma once
// Batched, parameterized INSERT of many rows into one table.
//
// Rows are staged column by column in typed vectors (with NULL indicators) and sent every
// `batch_rows` rows:
//   SQLite:  one prepared single-row INSERT, executed with SOCI vector binding (the sqlite3
//            backend steps the prepared statement once per row, no re-parse);
//   MariaDB: one prepared single-row INSERT with Connector/C array binding on the session's
//            own connection (the whole batch travels in one COM_STMT_BULK_EXECUTE, in binary).
//            SOCI 4.0's MySQL backend has no server-side prepared statements: there a vector
//            bind becomes one round trip per row, and even a multi-row statement costs a
//            formatted, escaped text value per field, on the client, while the server waits;
//   MySQL 8 (no array binding), or mysql=MultiRow: one SOCI INSERT ... VALUES (...),(...) of
//            `batch_rows` rows, bound element by element.
// Values are never spliced into SQL text by us.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodes/sql/database.hpp"

namespace soci {
class session;
}

namespace sqldb {

enum class ColumnType { Text, Real, Integer };

enum class MysqlInsert {
  ArrayBinding,  // MariaDB array binding when the server supports it, else MultiRow
  MultiRow,      // always SOCI multi-row INSERT statements
};

struct BulkInsertOptions {
  std::size_t batch_rows = 5000;
  std::string verb = "INSERT";  // or "INSERT OR IGNORE" (SQLite) / "INSERT IGNORE" (MySQL)
  MysqlInsert mysql = MysqlInsert::ArrayBinding;
};

struct ColumnDef {
  std::string name;
  ColumnType type = ColumnType::Text;
};

class BulkInsert {
 public:
  BulkInsert(soci::session& s, Dialect dialect, std::string table, std::vector<ColumnDef> columns, const BulkInsertOptions& opts);
  ~BulkInsert();
  BulkInsert(const BulkInsert&) = delete;
  BulkInsert& operator=(const BulkInsert&) = delete;

  // Stage one row: set every column (by index in the constructor's list), then end_row().
  // `origin` ("Skills.txt:17") says where the row came from, for error messages.
  void text(std::size_t col, std::string_view v);
  void nullable_text(std::size_t col, std::optional<std::string_view> v);  // nullopt -> NULL
  void real(std::size_t col, std::optional<double> v);
  void integer(std::size_t col, std::optional<long long> v);
  void end_row(std::string_view origin);

  // Sends the staged rows. Throws std::runtime_error naming the table and the origins of the
  // first and last row of the failed batch; DatabaseUnavailable when the connection is gone.
  void flush();

  std::size_t rows_written() const { return written_; }
  const char* method() const;  // how rows are sent, for logs: "MariaDB array binding", ...
  const std::string& table() const { return table_; }

 private:
  struct Impl;  // typed column storage and prepared statements (SOCI types stay in the .cpp)
  std::unique_ptr<Impl> impl_;
  std::string table_;
  std::size_t written_ = 0;
};

}  // namespace sqldb
