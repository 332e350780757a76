#include "nodes/onet/table_shapes.hpp"

namespace onet {

const std::vector<std::string_view>& columns(Shape shape) {
  // O*NET 29.2 text release, as published (checked against the files' header lines).
  static const std::vector<std::string_view> occupation{"O*NET-SOC Code", "Title", "Description"};
  static const std::vector<std::string_view> element{"Element ID", "Element Name", "Description"};
  static const std::vector<std::string_view> scale{"Scale ID", "Scale Name", "Minimum", "Maximum"};
  static const std::vector<std::string_view> rating{
      "O*NET-SOC Code", "Element ID",         "Element Name", "Scale ID", "Data Value",   "N", "Standard Error", "Lower CI Bound",
      "Upper CI Bound", "Recommend Suppress", "Not Relevant", "Date",     "Domain Source"};
  static const std::vector<std::string_view> task{"O*NET-SOC Code",        "Task ID", "Task",         "Task Type",
                                                  "Incumbents Responding", "Date",    "Domain Source"};
  static const std::vector<std::string_view> alternate_title{"O*NET-SOC Code", "Alternate Title", "Short Title", "Source(s)"};
  static const std::vector<std::string_view> reported_title{"O*NET-SOC Code", "Reported Job Title", "Shown in My Next Move"};
  static const std::vector<std::string_view> job_zone{"O*NET-SOC Code", "Job Zone", "Date", "Domain Source"};
  static const std::vector<std::string_view> job_zone_reference{"Job Zone",     "Name",     "Experience", "Education",
                                                                "Job Training", "Examples", "SVP Range"};
  static const std::vector<std::string_view> anchor{"Element ID", "Element Name", "Scale ID", "Anchor Value",
                                                    "Anchor Description"};
  static const std::vector<std::string_view> technology{"O*NET-SOC Code",  "Example",        "Commodity Code",
                                                        "Commodity Title", "Hot Technology", "In Demand"};
  static const std::vector<std::string_view> ete{
      "O*NET-SOC Code", "Element ID",     "Element Name",   "Scale ID",           "Category", "Data Value",   "N",
      "Standard Error", "Lower CI Bound", "Upper CI Bound", "Recommend Suppress", "Date",     "Domain Source"};
  static const std::vector<std::string_view> ete_category{"Element ID", "Element Name", "Scale ID", "Category",
                                                          "Category Description"};
  switch (shape) {
    case Shape::Occupation:
      return occupation;
    case Shape::Element:
      return element;
    case Shape::Scale:
      return scale;
    case Shape::Rating:
      return rating;
    case Shape::Task:
      return task;
    case Shape::AlternateTitle:
      return alternate_title;
    case Shape::ReportedTitle:
      return reported_title;
    case Shape::JobZone:
      return job_zone;
    case Shape::JobZoneReference:
      return job_zone_reference;
    case Shape::Anchor:
      return anchor;
    case Shape::Technology:
      return technology;
    case Shape::Ete:
      return ete;
    case Shape::EteCategory:
      break;
  }
  return ete_category;
}

namespace {

using Refs = std::vector<std::string_view>;
const Refs kNone{};
const Refs kOccupationOnly{kOccupationTable};
const Refs kRatingRefs{kOccupationTable, kContentModelTable, kScalesTable};
const Refs kElementAndScale{kContentModelTable, kScalesTable};
const Refs kJobZoneRefs{kOccupationTable, kJobZoneReferenceTable};
const Refs kEteRefs{kOccupationTable, kContentModelTable, kScalesTable, kEteCategoriesTable};

struct Known {
  std::string_view name;
  Shape shape;
  const Refs* references;
};
// Rating tables are every O*NET file with the 13-column Skills layout (29.x text release).
const Known kKnown[] = {
    {kOccupationTable, Shape::Occupation, &kNone},
    {kContentModelTable, Shape::Element, &kNone},
    {kScalesTable, Shape::Scale, &kNone},
    {"Skills", Shape::Rating, &kRatingRefs},
    {"Knowledge", Shape::Rating, &kRatingRefs},
    {"Abilities", Shape::Rating, &kRatingRefs},
    {"Work Activities", Shape::Rating, &kRatingRefs},
    {"Task Statements", Shape::Task, &kOccupationOnly},
    {"Alternate Titles", Shape::AlternateTitle, &kOccupationOnly},
    {"Sample of Reported Titles", Shape::ReportedTitle, &kOccupationOnly},
    {kJobZoneReferenceTable, Shape::JobZoneReference, &kNone},
    {"Job Zones", Shape::JobZone, &kJobZoneRefs},
    {"Level Scale Anchors", Shape::Anchor, &kElementAndScale},
    {"Technology Skills", Shape::Technology, &kOccupationOnly},
    {kEteCategoriesTable, Shape::EteCategory, &kElementAndScale},
    {"Education, Training, and Experience", Shape::Ete, &kEteRefs},
};

const Known* find(std::string_view table) {
  for (const auto& k : kKnown) {
    if (k.name == table) return &k;
  }
  return nullptr;
}

}  // namespace

std::optional<Shape> shape_of(std::string_view table) {
  if (const auto* k = find(table)) return k->shape;
  return std::nullopt;
}

const std::vector<std::string_view>& references_of(std::string_view table) {
  const auto* k = find(table);
  return k ? *k->references : kRatingRefs;
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
