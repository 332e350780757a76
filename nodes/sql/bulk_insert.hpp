#pragma once
// Batched, parameterized INSERT of many rows into one table through SOCI.
//
// Rows are staged column by column in typed vectors with SOCI indicators (NULLs) and sent
// every `batch_rows` rows:
//   SQLite: one prepared single-row INSERT, executed with SOCI vector binding (the sqlite3
//           backend steps the prepared statement once per row, no re-parse);
//   MySQL:  one prepared multi-row INSERT ... VALUES (...),(...) of `batch_rows` rows bound
//           element by element. SOCI 4.0's MySQL backend has no server-side prepared
//           statements: a vector bind becomes one round trip per row, so the rows are packed
//           into one statement instead (values still go through SOCI's escaping, never
//           through string concatenation by us).
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodes/sql/database.hpp"

namespace soci { class session; }

namespace sqldb {

enum class ColumnType { Text, Real, Integer };

struct ColumnDef {
  std::string name;
  ColumnType type = ColumnType::Text;
};

class BulkInsert {
 public:
  // `verb` is "INSERT" or e.g. "INSERT OR IGNORE" (SQLite) / "INSERT IGNORE" (MySQL).
  BulkInsert(soci::session& s, Dialect dialect, std::string table, std::vector<ColumnDef> columns,
             std::size_t batch_rows, std::string verb = "INSERT");
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
  const std::string& table() const { return table_; }

 private:
  struct Impl;  // typed column storage and prepared statements (SOCI types stay in the .cpp)
  std::unique_ptr<Impl> impl_;
  std::string table_;
  std::size_t written_ = 0;
};

}  // namespace sqldb
