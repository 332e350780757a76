#include "nodes/gap/explain.hpp"

#include <algorithm>
#include <numeric>
#include <tuple>

#include "nodes/gap/explain_json.hpp"

namespace gap {

AnchorBracket bracket(const std::vector<Anchor>& anchors, double value) {
  const std::int64_t v = hundredths(value);
  AnchorBracket b;
  for (const auto& a : anchors) {
    if (hundredths(a.value) <= v) {
      b.at_or_below = &a;
    } else {
      b.above = &a;
      break;
    }
  }
  return b;
}

bool TechnologyCommodity::hot() const {
  return std::any_of(examples.begin(), examples.end(), [](const TechnologyExample& e) { return e.hot; });
}

bool TechnologyCommodity::in_demand() const {
  return std::any_of(examples.begin(), examples.end(), [](const TechnologyExample& e) { return e.in_demand; });
}

bool technology_rank_less(const TechnologyCommodity& a, const TechnologyCommodity& b) {
  const bool ah = a.hot(), bh = b.hot(), ad = a.in_demand(), bd = b.in_demand();
  if (ah != bh) return ah;
  if (ad != bd) return ad;
  if (a.examples.size() != b.examples.size()) return a.examples.size() > b.examples.size();
  return a.code < b.code;
}

std::vector<const TechnologyCommodity*> technology_gaps(const std::vector<TechnologyCommodity>& from,
                                                        const std::vector<TechnologyCommodity>& to) {
  std::vector<const TechnologyCommodity*> out;
  auto f = from.begin();
  for (const auto& t : to) {
    while (f != from.end() && f->code < t.code) ++f;
    if (f != from.end() && f->code == t.code) continue;
    out.push_back(&t);
  }
  std::sort(out.begin(), out.end(),
            [](const TechnologyCommodity* a, const TechnologyCommodity* b) { return technology_rank_less(*a, *b); });
  return out;
}

std::vector<const TechnologyCommodity*> technology_gaps(const OccupationExplanation* from, const OccupationExplanation* to) {
  static const std::vector<TechnologyCommodity> none;
  if (!to || to->technology.empty()) return {};
  const auto& have = from ? from->technology : none;
  const bool ranked = to->technology_by_rank.size() == to->technology.size() &&
                      to->technology_codes.size() == to->technology.size() &&
                      (!from || from->technology_codes.size() == from->technology.size());
  if (!ranked) return technology_gaps(have, to->technology);
  static const std::vector<std::int64_t> no_codes;
  const auto& codes = from ? from->technology_codes : no_codes;
  std::vector<const TechnologyCommodity*> out;
  out.reserve(to->technology.size());
  // Codes from the compact array, not from the commodities: those (title, examples, JSON) are
  // cold in a random pair's answer, and only the few that are shown get read.
  for (const std::uint32_t i : to->technology_by_rank) {
    if (!std::binary_search(codes.begin(), codes.end(), to->technology_codes[i])) out.push_back(&to->technology[i]);
  }
  return out;
}

void sort_examples(std::vector<TechnologyExample>& examples) {
  std::sort(examples.begin(), examples.end(), [](const TechnologyExample& a, const TechnologyExample& b) {
    return std::tuple(!a.hot, !a.in_demand, a.name) < std::tuple(!b.hot, !b.in_demand, b.name);
  });
}

std::optional<EducationLevel> most_common_education(const std::vector<EducationLevel>& distribution) {
  const EducationLevel* best = nullptr;
  for (const auto& l : distribution) {
    if (!best) {
      best = &l;
      continue;
    }
    const auto p = hundredths(l.percent), bp = hundredths(best->percent);
    if (p > bp || (p == bp && l.category < best->category)) best = &l;
  }
  if (!best) return std::nullopt;
  return *best;
}

namespace {

int task_type_rank(const std::string& type) {
  if (type == "Core") return 0;
  if (type == "Supplemental") return 1;
  return 2;
}

}  // namespace

bool task_order_less(const TaskStatement& a, const TaskStatement& b) {
  const int ra = task_type_rank(a.type), rb = task_type_rank(b.type);
  if (ra != rb) return ra < rb;
  return a.id < b.id;
}

Explanations::Explanations(Data d) : d_(std::move(d)) {
  for (auto& [id, list] : d_.anchors) {
    std::sort(list.begin(), list.end(), [](const Anchor& a, const Anchor& b) { return a.value < b.value; });
  }
  for (auto& [code, occ] : d_.occupations) {
    std::sort(occ.education.begin(), occ.education.end(),
              [](const EducationLevel& a, const EducationLevel& b) { return a.category < b.category; });
    std::sort(occ.technology.begin(), occ.technology.end(),
              [](const TechnologyCommodity& a, const TechnologyCommodity& b) { return a.code < b.code; });
    for (auto& c : occ.technology) {
      sort_examples(c.examples);
      c.json = technology_json(c);
    }
    occ.technology_codes.clear();
    for (const auto& c : occ.technology) occ.technology_codes.push_back(c.code);
    occ.technology_by_rank.resize(occ.technology.size());
    std::iota(occ.technology_by_rank.begin(), occ.technology_by_rank.end(), 0U);
    const auto& tech = occ.technology;  // clang before 16 cannot capture a structured binding
    std::sort(occ.technology_by_rank.begin(), occ.technology_by_rank.end(),
              [&tech](std::uint32_t a, std::uint32_t b) { return technology_rank_less(tech[a], tech[b]); });
    std::sort(occ.tasks.begin(), occ.tasks.end(), task_order_less);
    occ.education_json = education_json(most_common_education(occ.education));
  }
  for (auto& [id, list] : d_.anchors)
    for (auto& a : list) a.json = anchor_json(a);
  std::sort(d_.job_zones.begin(), d_.job_zones.end(), [](const JobZone& a, const JobZone& b) { return a.zone < b.zone; });
  for (auto& z : d_.job_zones) z.json = job_zone_json(z);
  std::vector<std::pair<std::string, const OccupationExplanation*>> index;
  index.reserve(d_.occupations.size());
  for (const auto& [code, occ] : d_.occupations) index.emplace_back(code, &occ);
  occupation_index_ = CodeMap<const OccupationExplanation*>(std::move(index));
}

const std::vector<Anchor>* Explanations::anchors(std::string_view element_id) const {
  auto it = d_.anchors.find(std::string(element_id));
  return it == d_.anchors.end() || it->second.empty() ? nullptr : &it->second;
}

const OccupationExplanation* Explanations::occupation(const std::string& code) const {
  const auto* found = occupation_index_.find(code);
  return found ? *found : nullptr;
}

const JobZone* Explanations::job_zone(int zone) const {
  auto it = std::lower_bound(d_.job_zones.begin(), d_.job_zones.end(), zone, [](const JobZone& z, int n) { return z.zone < n; });
  return it == d_.job_zones.end() || it->zone != zone ? nullptr : &*it;
}

std::string compared_domains_noun(const OccupationProfile& to, const GapOptions& opts, ValueSource source) {
  switch (opts.domain) {
    case Domain::Skills:
      return "skill";
    case Domain::Knowledge:
      return "knowledge";
    case Domain::Abilities:
      return "ability";
    case Domain::All:
      break;
  }
  // The required rule of compute_gap (skill_gap.hpp): an LV value under the source and, unless
  // asked for, not flagged Not Relevant.
  bool skills = false, knowledge = false, abilities = false;
  for (const auto& r : to.ratings) {
    if (!r.level || !r.level->get(source)) continue;
    if (r.level->not_relevant == 'Y' && !opts.include_not_relevant) continue;
    auto d = domain_of(*r.element);
    if (!d) continue;
    skills |= *d == Domain::Skills;
    knowledge |= *d == Domain::Knowledge;
    abilities |= *d == Domain::Abilities;
  }
  std::vector<std::string> parts;
  if (skills) parts.emplace_back("skill");
  if (knowledge) parts.emplace_back("knowledge");
  if (abilities) parts.emplace_back("ability");
  if (parts.empty()) return "skill";
  std::string out = parts[0];
  for (std::size_t i = 1; i < parts.size(); ++i) out += (i + 1 == parts.size() ? " and " : ", ") + parts[i];
  return out;
}

JobZoneStep job_zone_step(const Explanations& e, const std::string& from_code, const std::string& to_code) {
  return job_zone_step(e, e.occupation(from_code), e.occupation(to_code));
}

JobZoneStep job_zone_step(const Explanations& e, const OccupationExplanation* from, const OccupationExplanation* to) {
  JobZoneStep s;
  auto zone_of = [&](const OccupationExplanation* occ) -> const JobZone* {
    return occ && occ->job_zone ? e.job_zone(*occ->job_zone) : nullptr;
  };
  s.from = zone_of(from);
  s.to = zone_of(to);
  if (s.from && s.to) s.step = s.to->zone - s.from->zone;
  return s;
}

std::string signed_step(int step) { return step > 0 ? "+" + std::to_string(step) : std::to_string(step); }

}  // namespace gap
