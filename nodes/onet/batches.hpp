#pragma once
// The data kinds O*NET nodes exchange. Rows keep the file line they came from, so every later
// check can say file:line. Batches are immutable once emitted.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/batch.hpp"

namespace onet {

// Where a release's table files can be read from (a folder or a zip), already resolved and
// (for a URL) downloaded. kind "onet.release".
class ReleaseSource {
 public:
  virtual ~ReleaseSource() = default;
  // Whole content of a table file ("Skills" -> "Skills.txt"); nullopt when the release lacks it.
  virtual std::optional<std::string> read_table(const std::string& table) const = 0;
  virtual std::string describe() const = 0;  // path or URL, for messages (no credentials)
};

class ReleaseBatch final : public dag::Batch {
 public:
  std::string release;   // "29.2" (from db_29_2_text, or the `release` param)
  std::string location;  // as given: folder, zip path or URL
  std::string checksum;  // sha256 of the zip, or of the concatenated table files
  std::shared_ptr<const ReleaseSource> source;
  std::string_view kind() const override { return "onet.release"; }
  std::size_t rows() const override { return 1; }
};

// A row (or whole-file problem) found bad by a reader or a check. `line` is 1-based, 0 when the
// problem is not about one line. Printed as "file:line: reason".
struct RowProblem {
  std::string file;    // "Skills.txt"
  std::uint32_t line = 0;
  std::string reason;  // without the file:line prefix
  std::string key;     // identifying fields of the row, '/'-joined (e.g. "11-1011.00/2.A.1.a/IM")
  std::string str() const {
    return line ? file + ":" + std::to_string(line) + ": " + reason : file + ": " + reason;
  }
};

struct OccupationRow {
  std::string code, title, description;
  std::uint32_t line = 0;
};

struct ElementRow {  // Content Model Reference
  std::string element_id, element_name, description;
  std::uint32_t line = 0;
};

struct ScaleRow {  // Scales Reference
  std::string scale_id, scale_name;
  double minimum = 0, maximum = 0;
  std::uint32_t line = 0;
};

// Skills / Knowledge / Abilities (the 13-column rating shape).
struct RatingRow {
  std::string code, element_id, element_name, scale_id;
  double value = 0;
  std::optional<std::int64_t> n;
  std::optional<double> standard_error, lower_ci, upper_ci;
  std::optional<char> recommend_suppress, not_relevant;  // 'Y' / 'N'; nullopt for n/a
  std::string date, domain_source;
  std::uint32_t line = 0;
  // Filled by LLM enrichment (nodes/llm); O*NET's own fields above are never changed by it.
  std::optional<double> llm_value, refined_value;
  // "file" (from the release), "onet_api" (fetched by the API fallback) or "llm" (a row the
  // LLM estimated for an occupation O*NET does not rate: `value` is then meaningless and is
  // stored as NULL).
  std::string value_source = "file";
};

// One chunk of one table. kind "onet.table" — `table` says which ("Skills", ...), and exactly
// one of the row vectors is filled, matching the table's shape.
class TableBatch final : public dag::Batch {
 public:
  std::string table;  // O*NET table name without ".txt"
  std::string file;   // file name for messages, e.g. "Skills.txt"
  std::vector<OccupationRow> occupations;
  std::vector<ElementRow> elements;
  std::vector<ScaleRow> scales;
  std::vector<RatingRow> ratings;
  bool last = false;  // final chunk of this table
  // Added for onet_validate (optional for other producers):
  // the release this table was read from, so the validator can forward it ahead of any table;
  std::shared_ptr<const ReleaseBatch> release;
  // rows the reader could not parse, when the reader runs with on_error=skip (never loaded).
  std::vector<RowProblem> rejects;
  std::string_view kind() const override { return "onet.table"; }
  std::size_t rows() const override {
    return occupations.size() + elements.size() + scales.size() + ratings.size();
  }
};

}  // namespace onet
