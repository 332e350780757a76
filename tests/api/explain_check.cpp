#include "explain_check.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <optional>

#include <soci/soci.h>

#include "nodes/sql/database.hpp"

namespace apitest {

namespace {

using nlohmann::json;

// Column types differ by backend (and SQLite reports expression columns as text).
double num(const soci::row& r, std::size_t i) {
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_double:
      return r.get<double>(i);
    case soci::dt_integer:
      return r.get<int>(i);
    case soci::dt_long_long:
      return static_cast<double>(r.get<long long>(i));
    case soci::dt_unsigned_long_long:
      return static_cast<double>(r.get<unsigned long long>(i));
    default:
      return std::stod(r.get<std::string>(i));
  }
}

long long whole(const soci::row& r, std::size_t i) { return std::llround(num(r, i)); }

std::string text(const soci::row& r, std::size_t i) {
  return r.get_indicator(i) == soci::i_null ? std::string() : r.get<std::string>(i);
}

struct Db {
  std::unique_ptr<soci::session> s;
  explicit Db(const std::string& url) : s(sqldb::open_session(sqldb::DatabaseUrl::parse(url))) {}
};

// The anchor at or below `v` (or, `above`, the first one above), as JSON, or null.
json anchor_sql(soci::session& s, const std::string& element, double v, bool above) {
  std::string e = element;
  double h = std::round(v * 100);
  json out = nullptr;
  // sql-lint: fixed text (one of two literal comparisons; values bound)
  const std::string sql = std::string(
                              "SELECT anchor_value, anchor_description FROM level_scale_anchors "
                              "WHERE element_id = :e AND scale_id = 'LV' AND ROUND(anchor_value * 100) ") +
                          (above ? "> :h ORDER BY anchor_value ASC" : "<= :h ORDER BY anchor_value DESC") + " LIMIT 1";
  soci::rowset<soci::row> rs = (s.prepare << sql, soci::use(e, "e"), soci::use(h, "h"));
  for (const auto& r : rs) out = {{"value", num(r, 0)}, {"description", text(r, 1)}};
  return out;
}

bool has_anchors(soci::session& s, const std::string& element) {
  std::string e = element;
  long long n = 0;
  s << "SELECT COUNT(*) FROM level_scale_anchors WHERE element_id = :e AND scale_id = 'LV'", soci::use(e, "e"), soci::into(n);
  return n > 0;
}

std::string domain_sql(soci::session& s, const std::string& element) {
  std::string e = element, d;
  s << "SELECT domain FROM content_elements WHERE element_id = :e", soci::use(e, "e"), soci::into(d);
  return d;
}

// Commodities of `to` (minus those of `from` when given), ranked: hot, in demand, more examples,
// code. Each with its examples, hot first, in demand, then by name, at most `max_examples`.
json technology_sql(soci::session& s, const std::string& to, const std::optional<std::string>& from, std::size_t max_examples) {
  std::string t = to, f = from.value_or("");
  // sql-lint: fixed text (the NOT IN clause is a literal; values bound)
  const std::string sql =
      std::string(
          "SELECT t.commodity_code, c.commodity_title, "
          "MAX(CASE WHEN t.hot_technology = 'Y' THEN 1 ELSE 0 END) AS hot, "
          "MAX(CASE WHEN t.in_demand = 'Y' THEN 1 ELSE 0 END) AS dem, COUNT(*) AS n "
          "FROM technology_skills t JOIN technology_commodities c ON c.commodity_code = t.commodity_code "
          "WHERE t.onetsoc_code = :t ") +
      (from ? "AND t.commodity_code NOT IN (SELECT commodity_code FROM technology_skills WHERE onetsoc_code = :f) " : "") +
      "GROUP BY t.commodity_code, c.commodity_title ORDER BY hot DESC, dem DESC, n DESC, t.commodity_code";
  json list = json::array();
  auto take = [&](soci::rowset<soci::row>& rs) {
    for (const auto& r : rs) {
      list.push_back({{"commodity_code", whole(r, 0)},
                      {"commodity_title", text(r, 1)},
                      {"hot_technology", whole(r, 2) == 1},
                      {"in_demand", whole(r, 3) == 1},
                      {"example_count", whole(r, 4)},
                      {"examples", json::array()}});
    }
  };
  if (from) {
    soci::rowset<soci::row> rs = (s.prepare << sql, soci::use(t, "t"), soci::use(f, "f"));
    take(rs);
  } else {
    soci::rowset<soci::row> rs = (s.prepare << sql, soci::use(t, "t"));
    take(rs);
  }
  for (auto& c : list) {
    long long code = c["commodity_code"].get<long long>();
    int lim = static_cast<int>(max_examples);
    soci::rowset<soci::row> ex = (s.prepare << "SELECT example, hot_technology, in_demand FROM technology_skills "
                                               "WHERE onetsoc_code = :t AND commodity_code = :c "
                                               "ORDER BY hot_technology DESC, in_demand DESC, example LIMIT :lim",
                                  soci::use(t, "t"), soci::use(code, "c"), soci::use(lim, "lim"));
    for (const auto& r : ex) {
      c["examples"].push_back({{"name", text(r, 0)}, {"hot_technology", text(r, 1) == "Y"}, {"in_demand", text(r, 2) == "Y"}});
    }
  }
  return list;
}

json job_zone_sql(soci::session& s, const std::string& code, bool with_examples) {
  std::string c = code;
  json out = nullptr;
  soci::rowset<soci::row> rs =
      (s.prepare << "SELECT z.job_zone, r.name, r.education, r.experience, r.job_training, r.svp_range, r.examples "
                    "FROM job_zones z JOIN job_zone_reference r ON r.job_zone = z.job_zone WHERE z.onetsoc_code = :c",
       soci::use(c, "c"));
  for (const auto& r : rs) {
    out = {{"job_zone", whole(r, 0)},  {"name", text(r, 1)},         {"education", text(r, 2)},
           {"experience", text(r, 3)}, {"job_training", text(r, 4)}, {"svp_range", text(r, 5)}};
    if (with_examples) out["examples"] = text(r, 6);
  }
  return out;
}

// The Required Level of Education distribution of `code`, largest share first (ties: lower category).
json education_sql(soci::session& s, const std::string& code, bool by_share) {
  std::string c = code;
  // sql-lint: fixed text (one of two literal ORDER BY clauses; values bound)
  const std::string sql = std::string(
                              "SELECT e.category, c.category_description, e.data_value FROM ete_ratings e "
                              "JOIN ete_categories c ON c.element_id = e.element_id AND c.scale_id = e.scale_id "
                              "AND c.category = e.category "
                              "WHERE e.onetsoc_code = :c AND e.element_id = '2.D.1' AND e.scale_id = 'RL' ") +
                          (by_share ? "ORDER BY ROUND(e.data_value * 100) DESC, e.category" : "ORDER BY e.category");
  json list = json::array();
  soci::rowset<soci::row> rs = (s.prepare << sql, soci::use(c, "c"));
  for (const auto& r : rs) {
    list.push_back({{"category", whole(r, 0)}, {"description", text(r, 1)}, {"percent", std::round(num(r, 2) * 100) / 100}});
  }
  return list;
}

void check_same(const json& got, const json& expected, const std::string& what) {
  INFO(what << "\n  got:      " << got.dump() << "\n  expected: " << expected.dump());
  CHECK(got == expected);
}

}  // namespace

ExplainCounts check_skill_gap_explanations(const std::string& db_url, const json& answer) {
  Db db(db_url);
  auto& s = *db.s;
  const auto& res = answer.at("result");
  const std::string from = res.at("from_occupation_code"), to = res.at("to_occupation_code");
  ExplainCounts counts;
  for (const auto& g : res.at("skill_gaps")) {
    ++counts.gaps;
    const std::string id = g.at("element_id");
    INFO(from << " -> " << to << ", " << id);
    CHECK(g.at("domain") == domain_sql(s, id));
    if (!has_anchors(s, id)) {
      CHECK(g.at("from_anchor").is_null());
      CHECK(g.at("to_anchor").is_null());
      continue;
    }
    ++counts.anchored;
    for (const char* side : {"from", "to"}) {
      const double v = g.at(std::string(side) + "_data_value");
      const json expected = {{"at_or_below", anchor_sql(s, id, v, false)}, {"above", anchor_sql(s, id, v, true)}};
      check_same(g.at(std::string(side) + "_anchor"), expected, std::string(side) + "_anchor of " + id);
    }
  }

  json tech = technology_sql(s, to, from, 10);
  counts.technology_gaps = tech.size();
  CHECK(res.at("technology_gap_count") == tech.size());
  if (tech.size() > 10) tech.erase(tech.begin() + 10, tech.end());
  check_same(res.at("technology_gaps"), tech, "technology_gaps");

  const json zf = job_zone_sql(s, from, false), zt = job_zone_sql(s, to, false);
  json zone = {{"from", zf}, {"to", zt}, {"step", nullptr}, {"step_label", nullptr}};
  if (!zf.is_null() && !zt.is_null()) {
    const long long step = zt["job_zone"].get<long long>() - zf["job_zone"].get<long long>();
    zone["step"] = step;
    zone["step_label"] = (step > 0 ? "+" : "") + std::to_string(step);
  }
  check_same(res.at("job_zone"), zone, "job_zone");

  const json ef = education_sql(s, from, true), et = education_sql(s, to, true);
  check_same(res.at("education"), json{{"from", ef.empty() ? json(nullptr) : ef[0]}, {"to", et.empty() ? json(nullptr) : et[0]}},
             "education");
  return counts;
}

void check_occupation_explanations(const std::string& db_url, const json& answer) {
  Db db(db_url);
  auto& s = *db.s;
  const auto& res = answer.at("result");
  std::string code = res.at("code");
  INFO(code);

  json tasks = json::array();
  soci::rowset<soci::row> rs =
      (s.prepare << "SELECT task_id, task, task_type FROM task_statements WHERE onetsoc_code = :c "
                    "ORDER BY CASE task_type WHEN 'Core' THEN 0 WHEN 'Supplemental' THEN 1 ELSE 2 END, task_id",
       soci::use(code, "c"));
  for (const auto& r : rs) {
    tasks.push_back({{"task_id", whole(r, 0)},
                     {"task", text(r, 1)},
                     {"task_type", r.get_indicator(2) == soci::i_null ? json(nullptr) : json(text(r, 2))}});
  }
  check_same(res.at("tasks"), tasks, "tasks");
  check_same(res.at("technology_skills"), technology_sql(s, code, std::nullopt, 100000), "technology_skills");
  const json zone = job_zone_sql(s, code, true);
  check_same(res.at("job_zone_reference"), zone, "job_zone_reference");
  CHECK(res.at("job_zone") == (zone.is_null() ? json(nullptr) : zone["job_zone"]));
  const json top = education_sql(s, code, true);
  check_same(res.at("education"),
             json{{"most_common", top.empty() ? json(nullptr) : top[0]}, {"distribution", education_sql(s, code, false)}},
             "education");
}

}  // namespace apitest
