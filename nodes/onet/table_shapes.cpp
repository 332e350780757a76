#include "nodes/onet/table_shapes.hpp"

namespace onet {

const std::vector<std::string_view>& columns(Shape shape) {
  static const std::vector<std::string_view> occupation{"O*NET-SOC Code", "Title", "Description"};
  static const std::vector<std::string_view> element{"Element ID", "Element Name", "Description"};
  static const std::vector<std::string_view> scale{"Scale ID", "Scale Name", "Minimum", "Maximum"};
  static const std::vector<std::string_view> rating{
      "O*NET-SOC Code", "Element ID",         "Element Name", "Scale ID",    "Data Value",
      "N",              "Standard Error",     "Lower CI Bound", "Upper CI Bound",
      "Recommend Suppress", "Not Relevant",   "Date",         "Domain Source"};
  switch (shape) {
    case Shape::Occupation: return occupation;
    case Shape::Element: return element;
    case Shape::Scale: return scale;
    case Shape::Rating: break;
  }
  return rating;
}

namespace {
struct Known {
  std::string_view name;
  Shape shape;
};
// Rating tables are every O*NET file with the 13-column Skills layout (29.x text release).
constexpr Known kKnown[] = {
    {kOccupationTable, Shape::Occupation},
    {kContentModelTable, Shape::Element},
    {kScalesTable, Shape::Scale},
    {"Skills", Shape::Rating},
    {"Knowledge", Shape::Rating},
    {"Abilities", Shape::Rating},
    {"Work Activities", Shape::Rating},
};
}  // namespace

std::optional<Shape> shape_of(std::string_view table) {
  for (const auto& k : kKnown) {
    if (k.name == table) return k.shape;
  }
  return std::nullopt;
}

const std::vector<std::string>& known_tables() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& k : kKnown) v.emplace_back(k.name);
    return v;
  }();
  return names;
}

}  // namespace onet
