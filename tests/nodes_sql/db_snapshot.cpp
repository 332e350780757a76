#include "tests/nodes_sql/db_snapshot.hpp"

#include <cstdio>

#include <soci/soci.h>

#include "nodes/sql/database.hpp"

namespace sqltest {

std::vector<std::string> query_rows(soci::session& s, const std::string& sql) {
  std::vector<std::string> out;
  soci::rowset<soci::row> rs = (s.prepare << sql);
  for (const auto& r : rs) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (i) line += '\t';
      if (r.get_indicator(i) == soci::i_null) {
        line += "NULL";
        continue;
      }
      switch (r.get_properties(i).get_data_type()) {
        case soci::dt_string:
          line += r.get<std::string>(i);
          break;
        case soci::dt_double: {
          char buf[64];
          std::snprintf(buf, sizeof buf, "%.4f", r.get<double>(i));
          line += buf;
          break;
        }
        case soci::dt_integer:
          line += std::to_string(r.get<int>(i));
          break;
        case soci::dt_long_long:
          line += std::to_string(r.get<long long>(i));
          break;
        case soci::dt_unsigned_long_long:
          line += std::to_string(r.get<unsigned long long>(i));
          break;
        default:
          line += "?";
          break;
      }
    }
    out.push_back(std::move(line));
  }
  return out;
}

long long query_count(soci::session& s, const std::string& sql) {
  long long n = 0;
  s << sql, soci::into(n);
  return n;
}

Snapshot snapshot(soci::session& s) {
  Snapshot snap;
  snap.occupations = query_rows(s, "SELECT onetsoc_code, title, description, source FROM occupations ORDER BY onetsoc_code");
  snap.elements = query_rows(s,
                             "SELECT element_id, element_name, description, domain FROM content_elements "
                             "ORDER BY element_id");
  snap.scales = query_rows(s, "SELECT scale_id, scale_name, minimum, maximum FROM scales ORDER BY scale_id");
  snap.ratings = query_rows(s,
                            "SELECT onetsoc_code, element_id, scale_id, data_value, n, standard_error, "
                            "lower_ci_bound, upper_ci_bound, recommend_suppress, not_relevant, date_updated, "
                            "domain_source, llm_value, refined_value, value_source FROM occupation_ratings "
                            "ORDER BY onetsoc_code, element_id, scale_id");
  snap.tasks = query_rows(s,
                          "SELECT task_id, onetsoc_code, task, task_type, incumbents_responding, date_updated, "
                          "domain_source FROM task_statements ORDER BY task_id");
  snap.alternate_titles = query_rows(s,
                                     "SELECT onetsoc_code, alternate_title, short_title, sources FROM "
                                     "alternate_titles ORDER BY onetsoc_code, alternate_title, short_title");
  snap.reported_titles = query_rows(s,
                                    "SELECT onetsoc_code, reported_title, shown_in_my_next_move FROM "
                                    "reported_titles ORDER BY onetsoc_code, reported_title");
  snap.job_zones = query_rows(s,
                              "SELECT onetsoc_code, job_zone, date_updated, domain_source FROM job_zones "
                              "ORDER BY onetsoc_code");
  snap.job_zone_reference = query_rows(s,
                                       "SELECT job_zone, name, experience, education, job_training, examples, "
                                       "svp_range FROM job_zone_reference ORDER BY job_zone");
  snap.anchors = query_rows(s,
                            "SELECT element_id, scale_id, anchor_value, anchor_description FROM "
                            "level_scale_anchors ORDER BY element_id, scale_id, anchor_value");
  snap.technologies = query_rows(s,
                                 "SELECT onetsoc_code, commodity_code, example, hot_technology, in_demand FROM "
                                 "technology_skills ORDER BY onetsoc_code, commodity_code, example");
  snap.commodities = query_rows(s,
                                "SELECT commodity_code, commodity_title FROM technology_commodities "
                                "ORDER BY commodity_code");
  snap.ete = query_rows(s,
                        "SELECT onetsoc_code, element_id, scale_id, category, data_value, n, standard_error, "
                        "lower_ci_bound, upper_ci_bound, recommend_suppress, date_updated, domain_source FROM "
                        "ete_ratings ORDER BY onetsoc_code, element_id, scale_id, category");
  snap.ete_categories = query_rows(s,
                                   "SELECT element_id, scale_id, category, category_description FROM "
                                   "ete_categories ORDER BY element_id, scale_id, category");
  return snap;
}

Snapshot snapshot(const std::string& url) {
  auto s = sqldb::open_session(sqldb::DatabaseUrl::parse(url));
  return snapshot(*s);
}

}  // namespace sqltest
