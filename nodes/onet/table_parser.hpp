#pragma once
// Reader for O*NET's tab-separated text files: header check, line endings, typed fields.
// Works on the whole file held in memory (the largest 29.2 table is 5.5 MB), cutting it into
// TableBatch chunks so downstream work can start before the file is done.
//
// Rules (see README.md, "Reader rules"):
//  * an optional UTF-8 BOM is skipped;
//  * the header line's ending (CRLF or LF) fixes the file's convention: a later line ending
//    differently is an error ("mixed line endings"), since a mixed file was edited by hand
//    or concatenated and its last column would otherwise silently keep a '\r';
//  * the last line may lack its line ending only when it still has every field; a short
//    unterminated last line means the file was cut and is always an error;
//  * "n/a" is NULL for the optional columns (N, Standard Error, CI bounds, Y/N flags of the
//    rating shapes, Short Title, Task Type, Incumbents Responding); an ETE Category of n/a is 0;
//    Hot Technology, In Demand and Shown in My Next Move must be Y or N;
//  * file-level problems (empty file, header, line endings, cut file) always throw;
//    row-level problems (field count, non-numeric, bad flag) throw under OnBadRow::Fail and
//    are collected in TableBatch::rejects under OnBadRow::Collect.
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "nodes/onet/batches.hpp"
#include "nodes/onet/table_shapes.hpp"

namespace onet {

// what() is "file:line: reason" ("file: reason" when line is 0).
class ParseError : public std::runtime_error {
 public:
  ParseError(std::string file, std::uint32_t line, std::string reason);
  const std::string& file() const { return file_; }
  std::uint32_t line() const { return line_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string file_;
  std::uint32_t line_;
  std::string reason_;
};

enum class OnBadRow { Fail, Collect };

class TableParser {
 public:
  // Checks the header immediately (throws ParseError). `table` is the O*NET name ("Skills");
  // messages use its file name ("Skills.txt").
  TableParser(std::string content, std::string table, Shape shape, OnBadRow policy = OnBadRow::Fail);

  // The next chunk of at most max_rows good rows (rejects do not count against max_rows).
  // The final chunk has last = true (it may be empty, e.g. for a header-only file).
  // Returns nullptr after the final chunk was returned.
  std::shared_ptr<TableBatch> next(std::size_t max_rows);

  std::uint64_t rows_read() const { return rows_read_; }
  std::uint64_t rows_rejected() const { return rows_rejected_; }

 private:
  struct Line {
    std::string_view text;  // without its line ending
    bool terminated = false;
  };
  bool next_line(Line& out);
  void check_header(std::string_view header);
  // Parses one data line into `batch`; a row problem throws RowFailure (internal).
  void parse_row(std::string_view text, bool terminated, TableBatch& batch);

  std::string content_;
  std::string table_;
  std::string file_;
  Shape shape_;
  OnBadRow policy_;
  std::size_t pos_ = 0;
  std::uint32_t line_no_ = 0;  // number of the line last returned by next_line
  bool crlf_ = false;
  bool finished_ = false;
  std::uint64_t rows_read_ = 0, rows_rejected_ = 0;
};

// Whole table in one batch (small tables, tests). Same rules and errors as TableParser.
std::shared_ptr<TableBatch> parse_table(std::string content, std::string table, OnBadRow policy = OnBadRow::Fail);

}  // namespace onet
