#include "api/explain_json.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "nodes/gap/batches.hpp"

namespace api {

namespace {

// Hosts that pin no snapshot (none in this API) get no explanations rather than a crash.
const gap::Explanations& explanations_of(const gap::GapResultBatch& r) {
  static const gap::Explanations empty;
  return r.request && r.request->snapshot ? r.request->snapshot->explanations() : empty;
}

// A small writer for the text parts: `key` then a value, commas handled by the caller.
struct Writer {
  std::string& o;
  void key(std::string_view k) {
    o += '"';
    o += k;
    o += "\":";
  }
  void str(std::string_view k, std::string_view v) {
    key(k);
    append_json_string(o, v);
  }
  void num(std::string_view k, double v) {
    key(k);
    append_json_number(o, v);
  }
  void integer(std::string_view k, long long v) {
    key(k);
    fmt::format_to(std::back_inserter(o), "{}", v);
  }
  void boolean(std::string_view k, bool v) {
    key(k);
    o += v ? "true" : "false";
  }
  void null(std::string_view k) {
    key(k);
    o += "null";
  }
};

double at_2_decimals(double v) { return static_cast<double>(gap::hundredths(v)) / 100.0; }

void write_anchor(Writer& w, std::string_view k, const gap::Anchor* a) {
  if (!a) return w.null(k);
  w.key(k);
  w.o += '{';
  w.num("value", a->value);
  w.o += ',';
  w.str("description", a->description);
  w.o += '}';
}

void write_bracket(Writer& w, std::string_view k, const std::vector<gap::Anchor>* anchors, double value) {
  if (!anchors) return w.null(k);
  const auto b = gap::bracket(*anchors, value);
  w.key(k);
  w.o += '{';
  write_anchor(w, "at_or_below", b.at_or_below);
  w.o += ',';
  write_anchor(w, "above", b.above);
  w.o += '}';
}

void write_technology(Writer& w, const gap::TechnologyCommodity& c) {
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
}

void write_job_zone(Writer& w, std::string_view k, const gap::JobZone* z) {
  if (!z) return w.null(k);
  w.key(k);
  w.o += '{';
  w.integer("job_zone", z->zone);
  w.o += ',';
  w.str("name", z->name);
  w.o += ',';
  w.str("education", z->education);
  w.o += ',';
  w.str("experience", z->experience);
  w.o += ',';
  w.str("job_training", z->job_training);
  w.o += ',';
  w.str("svp_range", z->svp_range);
  w.o += '}';
}

void write_education(Writer& w, std::string_view k, const gap::Explanations& e, const std::string& code) {
  const auto* occ = e.occupation(code);
  auto top = occ ? gap::most_common_education(occ->education) : std::nullopt;
  if (!top) return w.null(k);
  w.key(k);
  w.o += '{';
  w.integer("category", top->category);
  w.o += ',';
  w.str("description", top->description);
  w.o += ',';
  w.num("percent", at_2_decimals(top->percent));
  w.o += '}';
}

json technology_json(const gap::TechnologyCommodity& c) {
  json examples = json::array();
  for (const auto& e : c.examples) examples.push_back({{"name", e.name}, {"hot_technology", e.hot}, {"in_demand", e.in_demand}});
  return {{"commodity_code", c.code},   {"commodity_title", c.title},         {"hot_technology", c.hot()},
          {"in_demand", c.in_demand()}, {"example_count", c.examples.size()}, {"examples", std::move(examples)}};
}

json education_json(const gap::EducationLevel& l) {
  return {{"category", l.category}, {"description", l.description}, {"percent", at_2_decimals(l.percent)}};
}

}  // namespace

void append_gap_explanation(std::string& out, const gap::GapResultBatch& r, const gap::SkillGap& g) {
  Writer w{out};
  const auto* rating = r.to ? r.to->find(g.element_id) : nullptr;
  const auto d = rating ? gap::domain_of(*rating->element) : std::nullopt;
  out += ',';
  if (d)
    w.str("domain", gap::to_string(*d));
  else
    w.null("domain");
  const auto* anchors = explanations_of(r).anchors(g.element_id);
  out += ',';
  write_bracket(w, "from_anchor", anchors, g.from_value);
  out += ',';
  write_bracket(w, "to_anchor", anchors, g.to_value);
}

void append_result_explanation(std::string& out, const gap::GapResultBatch& r) {
  Writer w{out};
  const auto& e = explanations_of(r);
  const auto* from = e.occupation(r.from->code);
  const auto* to = e.occupation(r.to->code);
  static const std::vector<gap::TechnologyCommodity> none;
  const auto gaps = gap::technology_gaps(from ? from->technology : none, to ? to->technology : none);
  out += ',';
  w.integer("technology_gap_count", static_cast<long long>(gaps.size()));
  out += ",\"technology_gaps\":[";
  for (std::size_t i = 0; i < gaps.size() && i < kTechnologyGapLimit; ++i) {
    if (i) out += ',';
    write_technology(w, *gaps[i]);
  }
  out += "],\"job_zone\":{";
  const auto zones = gap::job_zone_step(e, r.from->code, r.to->code);
  write_job_zone(w, "from", zones.from);
  out += ',';
  write_job_zone(w, "to", zones.to);
  out += ',';
  if (zones.step) {
    w.integer("step", *zones.step);
    out += ',';
    w.str("step_label", gap::signed_step(*zones.step));
  } else {
    w.null("step");
    out += ',';
    w.null("step_label");
  }
  out += "},\"education\":{";
  write_education(w, "from", e, r.from->code);
  out += ',';
  write_education(w, "to", e, r.to->code);
  out += '}';
}

void add_occupation_explanation(json& result, const gap::Explanations& e, const std::string& code) {
  const auto* occ = e.occupation(code);
  json tasks = json::array();
  json technology = json::array();
  json zone = nullptr;
  json education = {{"most_common", nullptr}, {"distribution", json::array()}};
  if (occ) {
    for (const auto& t : occ->tasks) {
      tasks.push_back({{"task_id", t.id}, {"task", t.text}, {"task_type", t.type.empty() ? json(nullptr) : json(t.type)}});
    }
    std::vector<const gap::TechnologyCommodity*> ranked;
    for (const auto& c : occ->technology) ranked.push_back(&c);
    std::sort(ranked.begin(), ranked.end(), [](const auto* a, const auto* b) { return gap::technology_rank_less(*a, *b); });
    for (const auto* c : ranked) technology.push_back(technology_json(*c));
    if (occ->job_zone) {
      if (const auto* z = e.job_zone(*occ->job_zone)) {
        zone = {{"job_zone", z->zone},
                {"name", z->name},
                {"education", z->education},
                {"experience", z->experience},
                {"job_training", z->job_training},
                {"examples", z->examples},
                {"svp_range", z->svp_range}};
      }
    }
    if (auto top = gap::most_common_education(occ->education)) education["most_common"] = education_json(*top);
    for (const auto& l : occ->education) education["distribution"].push_back(education_json(l));
  }
  result["tasks"] = std::move(tasks);
  result["technology_skills"] = std::move(technology);
  result["job_zone_reference"] = std::move(zone);
  result["education"] = std::move(education);
}

}  // namespace api
