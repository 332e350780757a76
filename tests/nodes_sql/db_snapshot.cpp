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
        case soci::dt_string: line += r.get<std::string>(i); break;
        case soci::dt_double: {
          char buf[64];
          std::snprintf(buf, sizeof buf, "%.4f", r.get<double>(i));
          line += buf;
          break;
        }
        case soci::dt_integer: line += std::to_string(r.get<int>(i)); break;
        case soci::dt_long_long: line += std::to_string(r.get<long long>(i)); break;
        case soci::dt_unsigned_long_long: line += std::to_string(r.get<unsigned long long>(i)); break;
        default: line += "?"; break;
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
  snap.occupations = query_rows(
      s, "SELECT onetsoc_code, title, description, source FROM occupations ORDER BY onetsoc_code");
  snap.elements = query_rows(
      s, "SELECT element_id, element_name, description, domain FROM content_elements "
         "ORDER BY element_id");
  snap.scales = query_rows(s, "SELECT scale_id, scale_name, minimum, maximum FROM scales ORDER BY scale_id");
  snap.ratings = query_rows(
      s, "SELECT onetsoc_code, element_id, scale_id, data_value, n, standard_error, "
         "lower_ci_bound, upper_ci_bound, recommend_suppress, not_relevant, date_updated, "
         "domain_source, llm_value, refined_value, value_source FROM occupation_ratings "
         "ORDER BY onetsoc_code, element_id, scale_id");
  return snap;
}

Snapshot snapshot(const std::string& url) {
  auto s = sqldb::open_session(sqldb::DatabaseUrl::parse(url));
  return snapshot(*s);
}

}  // namespace sqltest
