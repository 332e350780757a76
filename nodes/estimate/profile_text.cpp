#include "nodes/estimate/profile_text.hpp"

namespace estimate {

TextProfiles build_text_profiles(const std::vector<std::shared_ptr<const onet::TableBatch>>& tables, const FieldWeights& w) {
  TextProfiles p;
  std::map<std::string, const onet::OccupationRow*> occupations;
  for (const auto& t : tables)
    for (const auto& o : t->occupations) occupations.emplace(o.code, &o);
  for (const auto& [code, o] : occupations) {
    p.index.emplace(code, p.documents.size());
    p.documents.push_back({code, {{o->title, w.title}, {o->description, w.description}}});
  }
  p.job_zones.assign(p.documents.size(), 0);
  auto doc = [&](const std::string& code) -> Document* {
    auto it = p.index.find(code);
    return it == p.index.end() ? nullptr : &p.documents[it->second];
  };
  for (const auto& t : tables) {
    for (const auto& r : t->tasks)
      if (auto* d = doc(r.code)) d->fields.push_back({r.task, r.task_type == "Core" ? w.core_task : w.supplemental_task});
    for (const auto& r : t->alternate_titles)
      if (auto* d = doc(r.code)) d->fields.push_back({r.title, w.alternate_title});
    for (const auto& r : t->reported_titles)
      if (auto* d = doc(r.code)) d->fields.push_back({r.title, w.reported_title});
    for (const auto& r : t->job_zones) {
      auto it = p.index.find(r.code);
      if (it != p.index.end()) p.job_zones[it->second] = r.job_zone;
    }
  }
  return p;
}

}  // namespace estimate
