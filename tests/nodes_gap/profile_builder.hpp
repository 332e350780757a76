#pragma once
// Small fluent builder for hand-made profiles in gap tests.
#include <map>
#include <memory>
#include <string>

#include "nodes/gap/profile.hpp"

namespace gaptest {

inline gap::ElementPtr element(const std::string& id, const std::string& name = "", const std::string& domain = "") {
  return gap::make_element(id, name.empty() ? "El " + id : name, domain);
}

class ProfileBuilder {
 public:
  explicit ProfileBuilder(std::string code, std::string title = "") {
    p_.code = std::move(code);
    p_.title = title.empty() ? "Title of " + p_.code : std::move(title);
  }
  // LV row with O*NET's value; nr = Not Relevant flag ('Y', 'N' or 0).
  ProfileBuilder& lv(const std::string& id, double v, char nr = 'N') {
    gap::ScaleValue s;
    s.data_value = v;
    s.not_relevant = nr;
    s.value_source = "file";
    rating(id).level = s;
    return *this;
  }
  ProfileBuilder& lv_values(const std::string& id, std::optional<double> data, std::optional<double> llm,
                            std::optional<double> refined, char nr = 'N') {
    gap::ScaleValue s;
    s.data_value = data;
    s.llm_value = llm;
    s.refined_value = refined;
    s.not_relevant = nr;
    s.value_source = data ? "file" : "llm";
    rating(id).level = s;
    return *this;
  }
  // O*NET's Standard Error on the LV row of `id` (added by lv() first).
  ProfileBuilder& se(const std::string& id, double v) {
    rating(id).level->standard_error = v;
    return *this;
  }
  // A text estimate (value, sd, interval) on the LV row of `id`, beside any O*NET value.
  ProfileBuilder& lv_estimate(const std::string& id, double v, double sd) {
    auto& r = rating(id);
    if (!r.level) r.level.emplace();
    r.level->estimate = v;
    r.level->estimate_sd = sd;
    r.level->estimate_lower = v - 1.2816 * sd;
    r.level->estimate_upper = v + 1.2816 * sd;
    return *this;
  }
  ProfileBuilder& im(const std::string& id, double v) {
    gap::ScaleValue s;
    s.data_value = v;
    s.value_source = "file";
    rating(id).importance = s;
    return *this;
  }
  gap::OccupationProfile build() {
    gap::OccupationProfile out = p_;
    out.ratings.clear();
    for (auto& [id, r] : rows_) out.ratings.push_back(r);
    out.finalize();
    return out;
  }

 private:
  gap::ElementRating& rating(const std::string& id) {
    auto& r = rows_[id];
    if (!r.element) r.element = element(id);
    return r;
  }
  gap::OccupationProfile p_;
  std::map<std::string, gap::ElementRating> rows_;
};

}  // namespace gaptest
