#include "nodes/gap/explain_json.hpp"

#include <fmt/format.h>

#include "common/json_text.hpp"

namespace gap {

namespace {

// `"key":` then the value; commas are the caller's.
struct Writer {
  std::string o;
  void key(std::string_view k) {
    o += '"';
    o += k;
    o += "\":";
  }
  void str(std::string_view k, std::string_view v) {
    key(k);
    common::append_json_string(o, v);
  }
  void num(std::string_view k, double v) {
    key(k);
    common::append_json_number(o, v);
  }
  void integer(std::string_view k, long long v) {
    key(k);
    o += fmt::format_int(v).c_str();
  }
  void boolean(std::string_view k, bool v) {
    key(k);
    o += v ? "true" : "false";
  }
};

}  // namespace

std::string anchor_json(const Anchor& a) {
  Writer w;
  w.o += '{';
  w.num("value", a.value);
  w.o += ',';
  w.str("description", a.description);
  w.o += '}';
  return std::move(w.o);
}

std::string technology_json(const TechnologyCommodity& c) {
  Writer w;
  w.o += '{';
  w.integer("commodity_code", c.code);
  w.o += ',';
  w.str("commodity_title", c.title);
  w.o += ',';
  w.boolean("hot_technology", c.hot());
  w.o += ',';
  w.boolean("in_demand", c.in_demand());
  w.o += ',';
  w.integer("example_count", static_cast<long long>(c.examples.size()));
  w.o += ",\"examples\":[";
  for (std::size_t i = 0; i < c.examples.size() && i < kExamplesPerTechnology; ++i) {
    const auto& e = c.examples[i];
    if (i) w.o += ',';
    w.o += '{';
    w.str("name", e.name);
    w.o += ',';
    w.boolean("hot_technology", e.hot);
    w.o += ',';
    w.boolean("in_demand", e.in_demand);
    w.o += '}';
  }
  w.o += "]}";
  return std::move(w.o);
}

std::string job_zone_json(const JobZone& z) {
  Writer w;
  w.o += '{';
  w.integer("job_zone", z.zone);
  w.o += ',';
  w.str("name", z.name);
  w.o += ',';
  w.str("education", z.education);
  w.o += ',';
  w.str("experience", z.experience);
  w.o += ',';
  w.str("job_training", z.job_training);
  w.o += ',';
  w.str("svp_range", z.svp_range);
  w.o += '}';
  return std::move(w.o);
}

std::string education_json(const std::optional<EducationLevel>& top) {
  if (!top) return "null";
  Writer w;
  w.o += '{';
  w.integer("category", top->category);
  w.o += ',';
  w.str("description", top->description);
  w.o += ',';
  w.num("percent", static_cast<double>(hundredths(top->percent)) / 100.0);
  w.o += '}';
  return std::move(w.o);
}

}  // namespace gap
