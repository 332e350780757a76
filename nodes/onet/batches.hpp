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
  std::string file;  // "Skills.txt"
  std::uint32_t line = 0;
  std::string reason;  // without the file:line prefix
  std::string key;     // identifying fields of the row, '/'-joined (e.g. "11-1011.00/2.A.1.a/IM")
  std::string str() const { return line ? file + ":" + std::to_string(line) + ": " + reason : file + ": " + reason; }
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

// Task Statements. task_type nullopt for n/a.
struct TaskRow {
  std::string code;
  std::int64_t task_id = 0;
  std::string task;
  std::optional<std::string> task_type;  // "Core" | "Supplemental"; nullopt for n/a
  std::optional<double> incumbents_responding;
  std::string date, domain_source;
  std::uint32_t line = 0;
};

struct AlternateTitleRow {  // Alternate Titles
  std::string code, title;
  std::optional<std::string> short_title;
  std::string sources;
  std::uint32_t line = 0;
};

struct ReportedTitleRow {  // Sample of Reported Titles
  std::string code, title;
  bool shown_in_my_next_move = false;
  std::uint32_t line = 0;
};

struct JobZoneRow {  // Job Zones
  std::string code;
  int job_zone = 0;
  std::string date, domain_source;
  std::uint32_t line = 0;
};

struct JobZoneReferenceRow {  // Job Zone Reference
  int job_zone = 0;
  std::string name, experience, education, job_training, examples, svp_range;
  std::uint32_t line = 0;
};

struct AnchorRow {  // Level Scale Anchors
  std::string element_id, element_name, scale_id;
  double anchor_value = 0;
  std::string description;
  std::uint32_t line = 0;
};

struct TechnologyRow {  // Technology Skills
  std::string code, example;
  std::int64_t commodity_code = 0;
  std::string commodity_title;
  bool hot = false, in_demand = false;
  std::uint32_t line = 0;
};

// Education, Training, and Experience (the rating shape with a Category column and no Not
// Relevant).
struct EteRow {
  std::string code, element_id, element_name, scale_id;
  int category = 0;  // 0 when n/a
  double value = 0;
  std::optional<std::int64_t> n;
  std::optional<double> standard_error, lower_ci, upper_ci;
  std::optional<char> recommend_suppress;
  std::string date, domain_source;
  std::uint32_t line = 0;
};

struct EteCategoryRow {  // Education, Training, and Experience Categories
  std::string element_id, element_name, scale_id;
  int category = 0;
  std::string description;
  std::uint32_t line = 0;
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
  std::vector<TaskRow> tasks;
  std::vector<AlternateTitleRow> alternate_titles;
  std::vector<ReportedTitleRow> reported_titles;
  std::vector<JobZoneRow> job_zones;
  std::vector<JobZoneReferenceRow> job_zone_reference;
  std::vector<AnchorRow> anchors;
  std::vector<TechnologyRow> technologies;
  std::vector<EteRow> ete;
  std::vector<EteCategoryRow> ete_categories;
  bool last = false;  // final chunk of this table
  // Added for onet_validate (optional for other producers):
  // the release this table was read from, so the validator can forward it ahead of any table;
  std::shared_ptr<const ReleaseBatch> release;
  // rows the reader could not parse, when the reader runs with on_error=skip (never loaded).
  std::vector<RowProblem> rejects;
  std::string_view kind() const override { return "onet.table"; }
  // The source line of the chunk's first row (0 for an empty chunk): with `table`, a key that
  // puts chunks back in file order whatever order the graph delivered them in.
  std::uint32_t first_line() const {
    auto first = [](const auto& rows) { return rows.empty() ? std::uint32_t{0} : rows.front().line; };
    for (std::uint32_t l : {first(occupations), first(elements), first(scales), first(ratings), first(tasks),
                            first(alternate_titles), first(reported_titles), first(job_zones), first(job_zone_reference),
                            first(anchors), first(technologies), first(ete), first(ete_categories)})
      if (l) return l;
    return 0;
  }
  std::size_t rows() const override {
    return occupations.size() + elements.size() + scales.size() + ratings.size() + tasks.size() + alternate_titles.size() +
           reported_titles.size() + job_zones.size() + job_zone_reference.size() + anchors.size() + technologies.size() +
           ete.size() + ete_categories.size();
  }
};

}  // namespace onet
