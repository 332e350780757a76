#pragma once
// Which O*NET tables this project reads, the exact header each shape must have, and which
// tables a table's rows point into. A newer release that renames or reorders a column must fail
// loudly here rather than load shifted data.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onet {

// One shape per header layout. Rating is shared by Skills, Knowledge, Abilities and Work
// Activities; every other shape belongs to one table.
enum class Shape {
  Occupation,
  Element,
  Scale,
  Rating,
  Task,
  AlternateTitle,
  ReportedTitle,
  JobZone,
  JobZoneReference,
  Anchor,
  Technology,
  Ete,
  EteCategory,
};

// The header columns of a shape, in file order.
const std::vector<std::string_view>& columns(Shape shape);

// Shape of a known table ("Skills" -> Rating); nullopt for a table this reader does not know.
std::optional<Shape> shape_of(std::string_view table);

// Every table name shape_of() knows, in a stable order (for help text and enum choices).
const std::vector<std::string>& known_tables();

// The reference tables.
inline constexpr std::string_view kOccupationTable = "Occupation Data";
inline constexpr std::string_view kContentModelTable = "Content Model Reference";
inline constexpr std::string_view kScalesTable = "Scales Reference";
inline constexpr std::string_view kJobZoneReferenceTable = "Job Zone Reference";
inline constexpr std::string_view kEteCategoriesTable = "Education, Training, and Experience Categories";

// The tables whose rows a table's rows refer to (foreign keys): they must have arrived complete
// before its rows can be checked or stored. Empty for Occupation Data, Content Model Reference,
// Scales Reference and Job Zone Reference; for a table shape_of() does not know, the rating
// tables' three references.
const std::vector<std::string_view>& references_of(std::string_view table);

// "Skills" -> "Skills.txt", as O*NET names the files of its text release.
inline std::string file_name_of(std::string_view table) { return std::string(table) + ".txt"; }

}  // namespace onet
