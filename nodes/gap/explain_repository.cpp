#include "nodes/gap/explain_repository.hpp"

#include <future>

#include <soci/soci.h>

namespace gap {

namespace {

// Column values whose C++ type differs by backend (SQLite INTEGER vs MySQL INT / BIGINT).
std::int64_t int_at(const soci::row& r, std::size_t i) {
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return r.get<int>(i);
    case soci::dt_long_long:
      return r.get<long long>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<std::int64_t>(r.get<unsigned long long>(i));
    case soci::dt_double:
      return static_cast<std::int64_t>(r.get<double>(i));
    default:
      return std::stoll(r.get<std::string>(i));
  }
}

double real_at(const soci::row& r, std::size_t i) {
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

std::string text_at(const soci::row& r, std::size_t i) {
  return r.get_indicator(i) == soci::i_null ? std::string() : r.get<std::string>(i);
}

// The same read transaction as the profile repository's: MySQL asks for a consistent snapshot
// explicitly; SQLite (WAL) keeps one from the first read to the end of the transaction.
class ReadTransaction {
 public:
  ReadTransaction(soci::session& s, sqldb::Dialect d) : s_(s) {
    if (d == sqldb::Dialect::MySQL) {
      s_ << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ";
      s_ << "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY";
    } else {
      s_ << "BEGIN";
    }
  }
  ~ReadTransaction() {
    try {
      s_ << "ROLLBACK";  // read only: nothing to keep
    } catch (...) {
      // The connection is gone; the server ends the transaction on its own.
    }
  }

 private:
  soci::session& s_;
};

std::int64_t latest_completed_run(soci::session& s) {
  std::int64_t id = 0;
  soci::rowset<soci::row> rs =
      (s.prepare << "SELECT run_id FROM load_runs WHERE status = 'completed' ORDER BY run_id DESC LIMIT 1");
  for (const auto& r : rs) id = int_at(r, 0);
  return id;
}

void read_anchors(soci::session& s, Explanations::Data& d) {
  soci::rowset<soci::row> rs =
      (s.prepare << "SELECT element_id, anchor_value, anchor_description FROM level_scale_anchors WHERE scale_id = 'LV'");
  for (const auto& r : rs) d.anchors[r.get<std::string>(0)].push_back({real_at(r, 1), r.get<std::string>(2), {}});
}

void read_job_zones(soci::session& s, Explanations::Data& d) {
  soci::rowset<soci::row> ref = (s.prepare << "SELECT job_zone, name, experience, education, job_training, examples, svp_range "
                                              "FROM job_zone_reference");
  for (const auto& r : ref) {
    d.job_zones.push_back({static_cast<int>(int_at(r, 0)),
                           r.get<std::string>(1),
                           r.get<std::string>(2),
                           r.get<std::string>(3),
                           r.get<std::string>(4),
                           r.get<std::string>(5),
                           r.get<std::string>(6),
                           {}});
  }
  soci::rowset<soci::row> zones = (s.prepare << "SELECT onetsoc_code, job_zone FROM job_zones");
  for (const auto& r : zones) d.occupations[r.get<std::string>(0)].job_zone = static_cast<int>(int_at(r, 1));
}

void read_technology(soci::session& s, Explanations::Data& d) {
  // By occupation and commodity, so each (occupation, commodity) group is built in one go.
  soci::rowset<soci::row> rs =
      (s.prepare << "SELECT t.onetsoc_code, t.commodity_code, c.commodity_title, t.example, t.hot_technology, t.in_demand "
                    "FROM technology_skills t JOIN technology_commodities c ON c.commodity_code = t.commodity_code "
                    "ORDER BY t.onetsoc_code, t.commodity_code");
  std::vector<TechnologyCommodity>* list = nullptr;
  std::string code;
  for (const auto& r : rs) {
    if (!list || r.get<std::string>(0) != code) {
      code = r.get<std::string>(0);
      list = &d.occupations[code].technology;
    }
    const std::int64_t commodity = int_at(r, 1);
    if (list->empty() || list->back().code != commodity) list->push_back({commodity, r.get<std::string>(2), {}, {}});
    list->back().examples.push_back({r.get<std::string>(3), text_at(r, 4) == "Y", text_at(r, 5) == "Y"});
  }
}

void read_education(soci::session& s, Explanations::Data& d) {
  // Required Level of Education only: the distribution the answers summarize.
  soci::rowset<soci::row> rs =
      (s.prepare << "SELECT e.onetsoc_code, e.category, c.category_description, e.data_value "
                    "FROM ete_ratings e JOIN ete_categories c "
                    "ON c.element_id = e.element_id AND c.scale_id = e.scale_id AND c.category = e.category "
                    "WHERE e.element_id = '2.D.1' AND e.scale_id = 'RL'");
  for (const auto& r : rs) {
    d.occupations[r.get<std::string>(0)].education.push_back(
        {static_cast<int>(int_at(r, 1)), r.get<std::string>(2), real_at(r, 3)});
  }
}

void read_tasks(soci::session& s, Explanations::Data& d) {
  soci::rowset<soci::row> rs = (s.prepare << "SELECT onetsoc_code, task_id, task, task_type FROM task_statements");
  for (const auto& r : rs) {
    d.occupations[r.get<std::string>(0)].tasks.push_back({int_at(r, 1), r.get<std::string>(2), text_at(r, 3)});
  }
}

}  // namespace

ExplanationsPtr read_explanations(const sqldb::DatabaseUrl& url) {
  sqldb::SessionOptions opts;
  opts.create_parent_dir = false;  // a reader must not conjure up an empty database
  opts.busy_timeout_ms = 2000;
  auto session = sqldb::open_session(url, opts);  // throws DatabaseUnavailable
  try {
    Explanations::Data d;
    {
      ReadTransaction tx(*session, url.dialect);
      d.load_run_id = latest_completed_run(*session);
      if (sqldb::schema_version(*session, url.dialect) >= 2) {
        read_anchors(*session, d);
        read_job_zones(*session, d);
        read_technology(*session, d);
        read_education(*session, d);
        read_tasks(*session, d);
      }
    }
    return std::make_shared<const Explanations>(std::move(d));
  } catch (const sqldb::DatabaseUnavailable&) {
    throw;
  } catch (const std::exception& e) {
    std::string msg =
        "reading level anchors, technology skills, job zones, education and tasks (" + url.redacted + "): " + url.scrub(e.what());
    if (sqldb::is_unavailable_error(e)) throw sqldb::DatabaseUnavailable(msg);
    throw std::runtime_error(msg);
  }
}

ExplainedSet load_explained(ProfileRepository& repo) {
  constexpr int kAttempts = 4;
  for (int attempt = 1;; ++attempt) {
    // The explanations are read on a connection of their own while the profiles load on this
    // one: the two reads are independent until the load-run check below, and at start-up (or a
    // reload) the second core is otherwise idle; a start on O*NET 29.2 saves the explanations'
    // whole read (~11 % of the instructions to ready). If load_all throws, the future's
    // destructor waits for the other read before the exception leaves.
    auto explanations = std::async(std::launch::async, [&repo] { return read_explanations(repo.url()); });
    ExplainedSet out;
    out.profiles = repo.load_all();
    out.explanations = explanations.get();
    if (out.explanations->load_run_id() == out.profiles.version.load_run_id) return out;
    if (attempt == kAttempts) {
      throw std::runtime_error(
          "loading occupation profiles: load runs committed between every read of the profiles "
          "and their explanations (" +
          std::to_string(kAttempts) + " attempts); retrying later");
    }
  }
}

}  // namespace gap
