#pragma once
// Which O*NET tables this project reads, and the exact header each shape must have. A newer
// release that renames or reorders a column must fail loudly here rather than load shifted data.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onet {

enum class Shape { Occupation, Element, Scale, Rating };

// The header columns of a shape, in file order.
const std::vector<std::string_view>& columns(Shape shape);

// Shape of a known table ("Skills" -> Rating); nullopt for a table this reader does not know.
std::optional<Shape> shape_of(std::string_view table);

// Every table name shape_of() knows, in a stable order (for help text and enum choices).
const std::vector<std::string>& known_tables();

// The reference tables a rating table is checked against.
inline constexpr std::string_view kOccupationTable = "Occupation Data";
inline constexpr std::string_view kContentModelTable = "Content Model Reference";
inline constexpr std::string_view kScalesTable = "Scales Reference";

// "Skills" -> "Skills.txt", as O*NET names the files of its text release.
inline std::string file_name_of(std::string_view table) { return std::string(table) + ".txt"; }

}  // namespace onet
