#include "nodes/llm/prompt.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "nodes/onet/sha256.hpp"

namespace llm {

namespace {

const char* kSystem =
    "You are an occupational analyst who rates the skill requirements of occupations on the "
    "scales of O*NET, the occupational database of the U.S. Department of Labor. You answer "
    "with JSON only, exactly in the shape you are given.";

std::string two_decimals(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::vector<OccupationText> rated_texts(const Dataset& d) {
  std::vector<OccupationText> out;
  for (const auto& o : d.occupations) {
    if (d.rated(o.code)) out.push_back({o.code, o.title, o.description});
  }
  return out;
}

}  // namespace

nlohmann::json answer_schema(const std::vector<std::string>& ids) {
  using nlohmann::json;
  json item = {{"type", "object"},
               {"properties",
                {{"element_id", {{"type", "string"}, {"enum", ids}}},
                 {"level", {{"type", "number"}, {"description", "LV level, a decimal number"}}},
                 {"justification", {{"type", "string"}, {"description", "one short sentence"}}}}},
               {"required", {"element_id", "level", "justification"}},
               {"additionalProperties", false}};
  return {{"type", "object"},
          {"properties", {{"occupation_code", {{"type", "string"}}}, {"skills", {{"type", "array"}, {"items", item}}}}},
          {"required", {"occupation_code", "skills"}},
          {"additionalProperties", false}};
}

std::string request_hash(const std::string& system, const std::string& user, const nlohmann::json& schema) {
  onet::Sha256 h;
  h.update(std::string(kPromptVersion));
  h.update(std::string_view("\n\x1e", 2));
  h.update(system);
  h.update(std::string_view("\n\x1e", 2));
  h.update(user);
  h.update(std::string_view("\n\x1e", 2));
  h.update(schema.dump());
  return h.hex();
}

PromptBuilder::PromptBuilder(const Dataset& d, std::size_t references)
    : d_(d), references_(references), finder_(rated_texts(d)) {}

std::vector<Reference> PromptBuilder::references_for(const onet::OccupationRow& occ) const {
  // The occupation's text neighbours when text_estimate ran (issue 11: the same neighbours its
  // text estimate came from), rated and never itself; the SOC ranking otherwise.
  if (auto it = d_.text_neighbours.find(occ.code); it != d_.text_neighbours.end()) {
    std::vector<Reference> out;
    for (const auto& n : it->second) {
      if (out.size() == references_) break;
      if (n.code == occ.code || !d_.rated(n.code)) continue;
      Reference r;
      r.code = n.code;
      r.shared_level = shared_soc_level(occ.code, n.code);
      r.text_similarity = n.similarity;
      out.push_back(std::move(r));
    }
    if (!out.empty()) return out;
  }
  return finder_.find({occ.code, occ.title, occ.description}, references_);
}

Request PromptBuilder::build_full(const onet::OccupationRow& occ) const {
  std::vector<std::string> ids;
  for (const auto& e : d_.scope) ids.push_back(e.id);
  return build(occ, ids);
}

Request PromptBuilder::build(const onet::OccupationRow& occ, const std::vector<std::string>& ids) const {
  if (ids.empty()) throw std::logic_error("PromptBuilder::build: no element to ask about");
  const std::string lo = number(d_.lv_min), hi = number(d_.lv_max);
  std::string u;
  u.reserve(8192);
  u += "Occupation code: " + occ.code + "\n";
  u += "Title: " + occ.title + "\n";
  u += "Description: " + occ.description + "\n\n";

  u += "Task: rate the level of each skill below that this occupation requires, on O*NET's "
       "\"" +
       d_.lv_scale_name + "\" scale (scale id LV), from " + lo + " to " + hi + ". ";
  u += "LV measures how much of the skill the work requires: " + lo +
       " means the skill is not needed at all, higher values mean more advanced use, and " + hi +
       " is the highest level, needed only by the most demanding occupations. O*NET's values "
       "are averages of several analysts' ratings, so use decimals.\n\n";

  u += "Skills to rate (element id | name | description):\n";
  for (const auto& id : ids) {
    const auto* e = d_.element(id);
    u += "- " + id + " | " + (e ? e->name : std::string("?")) + " | " + (e ? e->description : std::string()) + "\n";
  }

  const auto refs = references_for(occ);
  if (!refs.empty()) {
    u += "\nReference points: O*NET's published LV values of similar occupations (not of this one):\n";
    for (const auto& r : refs) {
      const onet::OccupationRow* ro = nullptr;
      auto it = std::lower_bound(d_.occupations.begin(), d_.occupations.end(), r.code,
                                 [](const onet::OccupationRow& o, const std::string& c) { return o.code < c; });
      if (it != d_.occupations.end() && it->code == r.code) ro = &*it;
      u += "- " + r.code + " " + (ro ? ro->title : std::string()) + " (" + r.why() +
           (r.text_similarity ? ", similarity " + two_decimals(*r.text_similarity) : std::string()) + "):";
      const auto& values = d_.lv.at(r.code);
      bool first = true;
      for (const auto& id : ids) {
        auto v = values.find(id);
        if (v == values.end()) continue;
        u += (first ? " " : ", ") + id + "=" + two_decimals(v->second.value);
        first = false;
      }
      u += "\n";
    }
  }

  u += "\nAnswer with JSON only, in this shape: {\"occupation_code\": \"" + occ.code + "\", \"skills\": [{\"element_id\": \"" +
       ids.front() + "\", \"level\": 3.5, \"justification\": \"one short sentence\"}]}\n";
  u += "Give exactly one item for each of these element ids, and no other: ";
  for (std::size_t i = 0; i < ids.size(); ++i) u += (i ? ", " : "") + ids[i];
  u += "\n";

  Request r;
  r.occupation_code = occ.code;
  r.element_ids = ids;
  r.system = kSystem;
  r.user = std::move(u);
  r.schema = answer_schema(ids);
  r.hash = request_hash(r.system, r.user, r.schema);
  return r;
}

}  // namespace llm
