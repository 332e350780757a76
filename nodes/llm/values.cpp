#include "nodes/llm/values.hpp"

#include <cmath>

namespace llm {

EnrichedValues compute_values(const Dataset& d, const std::vector<OccupationResult>& results, int folds, std::size_t min_pairs,
                              BlendOptions blend) {
  EnrichedValues v;
  v.blend = blend;
  v.blend.lo = d.lv_min;
  v.blend.hi = d.lv_max;

  std::vector<Pair> pairs;
  for (const auto& r : results) {
    auto rated = d.lv.find(r.code);
    if (rated == d.lv.end()) continue;
    for (const auto& [id, a] : r.answers) {
      auto o = rated->second.find(id);
      if (o != rated->second.end()) pairs.push_back({r.code, a.raw, o->second.value});
    }
  }
  v.calibration = calibrate(pairs, folds, min_pairs);

  for (const auto& r : results) {
    bool stale = false;
    for (const auto& [id, a] : r.answers) {
      const double level = clamp_level(v.calibration.map.apply(a.raw), v.blend);
      v.llm[r.code][id] = level;
      // Cached answers whose stored calibrated level is already this one need no update.
      stale = stale || !a.stored_calibrated || std::fabs(*a.stored_calibrated - level) > 1e-9;
    }
    if (stale) v.journal_updates.emplace_back(r.code, r.prompt_hash);
  }
  return v;
}

std::shared_ptr<onet::TableBatch> enrich_chunk(const onet::TableBatch& t, const EnrichedValues& v) {
  auto value_for = [&](const onet::RatingRow& row) -> const double* {
    if (row.scale_id != "LV" || row.value_source == "llm") return nullptr;
    auto occ = v.llm.find(row.code);
    if (occ == v.llm.end()) return nullptr;
    auto el = occ->second.find(row.element_id);
    return el == occ->second.end() ? nullptr : &el->second;
  };
  bool any = false;
  for (const auto& row : t.ratings) {
    if (value_for(row)) {
      any = true;
      break;
    }
  }
  if (!any) return nullptr;
  auto copy = std::make_shared<onet::TableBatch>(t);
  for (auto& row : copy->ratings) {
    const double* llm = value_for(row);
    if (!llm) continue;
    row.llm_value = *llm;
    row.refined_value = blend(row.value, row.standard_error, *llm, v.calibration.residual_sd, v.blend);
  }
  return copy;
}

std::vector<onet::RatingRow> llm_only_rows(const Dataset& d, const EnrichedValues& v) {
  std::vector<onet::RatingRow> out;
  for (const auto& [code, levels] : v.llm) {
    auto rated = d.lv.find(code);
    auto text = d.text_lv.find(code);
    for (const auto& e : d.scope) {  // Content Model order
      auto l = levels.find(e.id);
      if (l == levels.end()) continue;
      if (rated != d.lv.end() && rated->second.count(e.id)) continue;
      onet::RatingRow r;
      r.code = code;
      r.element_id = e.id;
      r.element_name = e.name;
      r.scale_id = "LV";
      r.value = 0;  // stored as NULL for value_source "llm"
      r.llm_value = l->second;
      r.refined_value = l->second;
      if (text != d.text_lv.end()) {
        if (auto t = text->second.find(e.id); t != text->second.end())
          r.refined_value = blend(t->second.value, t->second.sd, l->second, v.calibration.residual_sd, v.blend);
      }
      r.value_source = "llm";
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace llm
