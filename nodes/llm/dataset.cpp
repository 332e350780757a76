#include "nodes/llm/dataset.hpp"

#include <algorithm>
#include <stdexcept>

namespace llm {

const ScopeElement* Dataset::element(const std::string& id) const {
  auto it = scope_index.find(id);
  return it == scope_index.end() ? nullptr : &scope[it->second];
}

bool in_scope(const std::string& id, const std::vector<std::string>& scope) {
  for (const auto& p : scope) {
    if (id == p || (id.size() > p.size() && id.compare(0, p.size(), p) == 0 && id[p.size()] == '.')) return true;
  }
  return false;
}

Dataset build_dataset(const std::vector<std::shared_ptr<const onet::TableBatch>>& tables, const std::vector<std::string>& scope) {
  Dataset d;
  std::vector<const onet::ElementRow*> elements;
  for (const auto& t : tables) {
    for (const auto& o : t->occupations) d.occupations.push_back(o);
    for (const auto& e : t->elements) elements.push_back(&e);
    for (const auto& s : t->scales) {
      if (s.scale_id == "LV") {
        d.lv_scale_found = true;
        d.lv_scale_name = s.scale_name;
        d.lv_min = s.minimum;
        d.lv_max = s.maximum;
      }
    }
  }
  std::sort(d.occupations.begin(), d.occupations.end(),
            [](const onet::OccupationRow& a, const onet::OccupationRow& b) { return a.code < b.code; });

  // Leaves only: "2.A" and "2.A.1" are headings, "2.A.1.a" is rated.
  for (const auto* e : elements) {
    if (!in_scope(e->element_id, scope)) continue;
    const std::string below = e->element_id + ".";
    bool leaf = std::none_of(elements.begin(), elements.end(),
                             [&](const onet::ElementRow* o) { return o->element_id.compare(0, below.size(), below) == 0; });
    if (leaf && !d.scope_index.count(e->element_id)) {
      d.scope_index[e->element_id] = d.scope.size();
      d.scope.push_back({e->element_id, e->element_name, e->description});
    }
  }
  if (d.scope.empty()) {
    std::string list;
    for (const auto& p : scope) list += (list.empty() ? "" : ", ") + p;
    throw std::runtime_error("the scope (" + list + ") selects no element of the Content Model Reference (" +
                             std::to_string(elements.size()) + " elements arrived)");
  }
  for (const auto& t : tables) {
    for (const auto& r : t->ratings) {
      if (r.scale_id != "LV" || r.value_source == "llm" || !d.element(r.element_id)) continue;
      d.lv[r.code][r.element_id] = LvRating{r.value, r.standard_error};
    }
  }
  return d;
}

}  // namespace llm
