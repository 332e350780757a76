#include "nodes/gap/occupation_texts.hpp"

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "nodes/gap/profile_repository.hpp"

namespace gap {

namespace {

std::string text_at(const soci::row& r, std::size_t i) {
  return r.get_indicator(i) == soci::i_ok ? r.get<std::string>(i) : std::string();
}

long long integer_at(const soci::row& r, std::size_t i) {
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return r.get<int>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<long long>(r.get<unsigned long long>(i));
    case soci::dt_double:
      return static_cast<long long>(r.get<double>(i));
    default:
      return r.get<long long>(i);
  }
}

}  // namespace

std::optional<estimate::FieldWeights> weights_from_summary(const std::string& summary_json) {
  if (summary_json.empty()) return std::nullopt;
  auto j = nlohmann::json::parse(summary_json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("weights") || !j["weights"].is_object()) return std::nullopt;
  const auto& w = j["weights"];
  estimate::FieldWeights out;
  auto take = [&](const char* key, double& field) {
    if (w.contains(key) && w[key].is_number()) field = w[key].get<double>();
  };
  take("title", out.title);
  take("description", out.description);
  take("core_task", out.core_task);
  take("supplemental_task", out.supplemental_task);
  take("alternate_title", out.alternate_title);
  take("reported_title", out.reported_title);
  return out;
}

OccupationTexts read_occupation_texts(soci::session& s, std::int64_t load_run_id) {
  auto t = std::make_shared<onet::TableBatch>();
  t->table = "occupation texts";
  t->file = "database";
  // Key order, so SQLite and MySQL hand the index the same documents field by field (float
  // sums then agree to the last bit and rankings cannot differ between the two).
  {
    soci::rowset<soci::row> rs = (s.prepare << "SELECT onetsoc_code, title, description FROM occupations ORDER BY onetsoc_code");
    for (const auto& r : rs) t->occupations.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2)});
  }
  if (table_exists(s, "task_statements")) {
    soci::rowset<soci::row> rs = (s.prepare << "SELECT onetsoc_code, task_id, task, task_type FROM task_statements "
                                               "ORDER BY onetsoc_code, task_id");
    for (const auto& r : rs) {
      onet::TaskRow row;
      row.code = r.get<std::string>(0);
      row.task_id = integer_at(r, 1);
      row.task = r.get<std::string>(2);
      if (r.get_indicator(3) == soci::i_ok) row.task_type = r.get<std::string>(3);
      t->tasks.push_back(std::move(row));
    }
  }
  if (table_exists(s, "alternate_titles")) {
    soci::rowset<soci::row> rs = (s.prepare << "SELECT onetsoc_code, alternate_title, short_title FROM alternate_titles "
                                               "ORDER BY onetsoc_code, alternate_title, short_title");
    for (const auto& r : rs) {
      onet::AlternateTitleRow row;
      row.code = r.get<std::string>(0);
      row.title = r.get<std::string>(1);
      if (r.get_indicator(2) == soci::i_ok) row.short_title = r.get<std::string>(2);
      t->alternate_titles.push_back(std::move(row));
    }
  }
  if (table_exists(s, "reported_titles")) {
    soci::rowset<soci::row> rs = (s.prepare << "SELECT onetsoc_code, reported_title FROM reported_titles "
                                               "ORDER BY onetsoc_code, reported_title");
    for (const auto& r : rs) {
      onet::ReportedTitleRow row;
      row.code = r.get<std::string>(0);
      row.title = r.get<std::string>(1);
      t->reported_titles.push_back(std::move(row));
    }
  }
  OccupationTexts out;
  out.tables = std::move(t);
  // estimate_summary came with occupation_estimates (the same schema change).
  if (load_run_id > 0 && table_exists(s, "occupation_estimates")) {
    long long id = load_run_id;
    soci::rowset<soci::row> rs = (s.prepare << "SELECT estimate_summary FROM load_runs WHERE run_id = :id", soci::use(id, "id"));
    for (const auto& r : rs) {
      if (auto w = weights_from_summary(text_at(r, 0))) {
        out.weights = *w;
        out.weights_from_run = true;
      }
    }
  }
  return out;
}

}  // namespace gap
