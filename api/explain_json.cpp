#include "api/explain_json.hpp"

#include <algorithm>

#include "common/json_text.hpp"
#include "nodes/gap/batches.hpp"

namespace api {

namespace {

// Hosts that pin no snapshot (none in this API) get no explanations rather than a crash.
const gap::Explanations& explanations_of(const gap::GapResultBatch& r) {
  static const gap::Explanations empty;
  return r.request && r.request->snapshot ? r.request->snapshot->explanations() : empty;
}

double at_2_decimals(double v) { return static_cast<double>(gap::hundredths(v)) / 100.0; }

// The anchor JSON and the other fragments were written once per snapshot (gap::Explanations).
void write_anchor(common::JsonText& o, const gap::Anchor* a) {
  if (!a)
    o.null();
  else
    o.raw(a->json);
}

void write_bracket(common::JsonText& o, const std::vector<gap::Anchor>* anchors, double value) {
  if (!anchors) return o.null();
  const auto b = gap::bracket(*anchors, value);
  o.lit("{\"at_or_below\":");
  write_anchor(o, b.at_or_below);
  o.lit(",\"above\":");
  write_anchor(o, b.above);
  o.ch('}');
}

void write_job_zone(common::JsonText& o, const gap::JobZone* z) {
  if (!z)
    o.null();
  else
    o.raw(z->json);
}

void write_education(common::JsonText& o, const gap::OccupationExplanation* occ) {
  if (!occ)
    o.null();
  else
    o.raw(occ->education_json);
}

json technology_value(const gap::TechnologyCommodity& c) {
  json examples = json::array();
  for (const auto& e : c.examples) examples.push_back({{"name", e.name}, {"hot_technology", e.hot}, {"in_demand", e.in_demand}});
  return {{"commodity_code", c.code},   {"commodity_title", c.title},         {"hot_technology", c.hot()},
          {"in_demand", c.in_demand()}, {"example_count", c.examples.size()}, {"examples", std::move(examples)}};
}

json education_value(const gap::EducationLevel& l) {
  return {{"category", l.category}, {"description", l.description}, {"percent", at_2_decimals(l.percent)}};
}

}  // namespace

void append_gap_explanation(common::JsonText& o, const gap::GapResultBatch& r, const gap::SkillGap& g) {
  // compute_gap hands each gap its element; a gap made elsewhere is looked up by id.
  const gap::Element* element = g.element;
  if (!element && r.to)
    if (const auto* rating = r.to->find(g.element_id)) element = rating->element.get();
  const auto d = element ? gap::domain_of(*element) : std::nullopt;
  o.lit(",\"domain\":");
  if (d)
    o.string(gap::to_string(*d));
  else
    o.null();
  const auto* anchors = explanations_of(r).anchors(g.element_id);
  o.lit(",\"from_anchor\":");
  write_bracket(o, anchors, g.from_value);
  o.lit(",\"to_anchor\":");
  write_bracket(o, anchors, g.to_value);
}

void append_result_explanation(common::JsonText& o, const gap::GapResultBatch& r) {
  const auto& e = explanations_of(r);
  const auto* from = e.occupation(r.from->code);
  const auto* to = e.occupation(r.to->code);
  const auto gaps = gap::technology_gaps(from, to);
  o.lit(",\"technology_gap_count\":");
  o.integer(static_cast<long long>(gaps.size()));
  o.lit(",\"technology_gaps\":[");
  for (std::size_t i = 0; i < gaps.size() && i < gap::kTechnologyGapLimit; ++i) {
    if (i) o.ch(',');
    o.raw(gaps[i]->json);
  }
  o.lit("],\"job_zone\":{\"from\":");
  const auto zones = gap::job_zone_step(e, from, to);
  write_job_zone(o, zones.from);
  o.lit(",\"to\":");
  write_job_zone(o, zones.to);
  o.lit(",\"step\":");
  if (zones.step) {
    o.integer(*zones.step);
    o.lit(",\"step_label\":");
    o.string(gap::signed_step(*zones.step));
  } else {
    o.lit("null,\"step_label\":null");
  }
  o.lit("},\"education\":{\"from\":");
  write_education(o, from);
  o.lit(",\"to\":");
  write_education(o, to);
  o.ch('}');
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
    for (const auto* c : ranked) technology.push_back(technology_value(*c));
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
    if (auto top = gap::most_common_education(occ->education)) education["most_common"] = education_value(*top);
    for (const auto& l : occ->education) education["distribution"].push_back(education_value(l));
  }
  result["tasks"] = std::move(tasks);
  result["technology_skills"] = std::move(technology);
  result["job_zone_reference"] = std::move(zone);
  result["education"] = std::move(education);
}

}  // namespace api
