#pragma once
// Reading a database back in tests: whole tables as sorted text rows, so two loads can be
// compared row for row, in either dialect.
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace sqltest {

// Every row of the query as one tab-separated line (NULL as "NULL", reals with 4 decimals).
std::vector<std::string> query_rows(soci::session& s, const std::string& sql);
long long query_count(soci::session& s, const std::string& sql);

// The O*NET dataset (all columns but load_run_id, which names the run that wrote a row).
struct Snapshot {
  std::vector<std::string> occupations, elements, scales, ratings;
  // The tables of schema version 2.
  std::vector<std::string> tasks, alternate_titles, reported_titles, job_zones, job_zone_reference, anchors, technologies,
      commodities, ete, ete_categories;
  bool operator==(const Snapshot&) const = default;
};
Snapshot snapshot(soci::session& s);
Snapshot snapshot(const std::string& url);

}  // namespace sqltest
