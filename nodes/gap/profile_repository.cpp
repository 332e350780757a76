#include "nodes/gap/profile_repository.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <unordered_map>

#include <soci/soci.h>

#include "nodes/gap/occupation_texts.hpp"

namespace gap {

namespace {

using Elements = std::unordered_map<std::string, ElementPtr>;

constexpr std::size_t kChunk = 4096;  // rows per bulk fetch

// A read or write transaction that rolls back unless committed. MySQL asks for a consistent
// snapshot explicitly; SQLite (WAL) keeps one from the first read to the end of the transaction.
class Transaction {
 public:
  Transaction(soci::session& s, sqldb::Dialect d, bool read_only) : s_(s) {
    if (d == sqldb::Dialect::MySQL) {
      s_ << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ";
      s_ << (read_only ? "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY" : "START TRANSACTION");
    } else {
      s_ << "BEGIN";
    }
  }
  ~Transaction() {
    if (!done_) {
      try {
        s_ << "ROLLBACK";
      } catch (...) {
        // The connection is gone; the server rolls back on its own.
      }
    }
  }
  void commit() {
    s_ << "COMMIT";
    done_ = true;
  }

 private:
  soci::session& s_;
  bool done_ = false;
};

Elements read_elements(soci::session& s) {
  Elements out;
  soci::rowset<soci::row> rs = (s.prepare << "SELECT element_id, element_name, domain FROM content_elements");
  for (const auto& r : rs) {
    auto e = make_element(r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2));
    out.emplace(e->id, std::move(e));
  }
  return out;
}

ElementPtr element_for(Elements& elements, const std::string& id) {
  auto it = elements.find(id);
  if (it != elements.end()) return it->second;
  // Foreign keys make this rare (SQLite with foreign_keys off); keep the row, name it by id.
  auto e = make_element(id, id, "");
  elements.emplace(id, e);
  return e;
}

// LV and IM rows, grouped by occupation code. `code` narrows to one occupation.
std::unordered_map<std::string, std::vector<ElementRating>> read_ratings(soci::session& s, Elements& elements,
                                                                         const std::string* code) {
  std::unordered_map<std::string, std::vector<ElementRating>> out;
  std::vector<std::string> occ(kChunk), el(kChunk), scale(kChunk), nr(kChunk), vsrc(kChunk);
  std::vector<double> dv(kChunk), llm(kChunk), ref(kChunk), se(kChunk);
  std::vector<soci::indicator> dv_i(kChunk), llm_i(kChunk), ref_i(kChunk), nr_i(kChunk), se_i(kChunk);
  std::string sql =
      "SELECT onetsoc_code, element_id, scale_id, data_value, not_relevant, llm_value, refined_value, value_source, "
      "standard_error FROM occupation_ratings WHERE scale_id IN ('LV', 'IM')";
  std::string code_value = code ? *code : std::string();
  if (code) sql += " AND onetsoc_code = :code";
  // sql-lint: fixed text (literals only; the code is bound as :code)
  auto st = code ? soci::statement((s.prepare << sql, soci::use(code_value, "code"), soci::into(occ), soci::into(el),
                                    soci::into(scale), soci::into(dv, dv_i), soci::into(nr, nr_i), soci::into(llm, llm_i),
                                    soci::into(ref, ref_i), soci::into(vsrc), soci::into(se, se_i)))
                 : soci::statement((s.prepare << sql, soci::into(occ), soci::into(el), soci::into(scale), soci::into(dv, dv_i),
                                    soci::into(nr, nr_i), soci::into(llm, llm_i), soci::into(ref, ref_i), soci::into(vsrc),
                                    soci::into(se, se_i)));
  st.execute();
  // Rows usually arrive grouped by occupation (primary key order): look the group up on change only.
  std::vector<ElementRating>* current = nullptr;
  std::string current_code;
  while (st.fetch()) {
    for (std::size_t i = 0; i < occ.size(); ++i) {
      if (!current || occ[i] != current_code) {
        current_code = occ[i];
        current = &out[current_code];
      }
      ScaleValue v;
      if (dv_i[i] == soci::i_ok) v.data_value = dv[i];
      if (llm_i[i] == soci::i_ok) v.llm_value = llm[i];
      if (ref_i[i] == soci::i_ok) v.refined_value = ref[i];
      if (nr_i[i] == soci::i_ok && !nr[i].empty()) v.not_relevant = nr[i][0];
      if (se_i[i] == soci::i_ok) v.standard_error = se[i];
      v.value_source = vsrc[i];
      ElementRating r;
      r.element = element_for(elements, el[i]);
      if (scale[i] == "LV")
        r.level = std::move(v);
      else
        r.importance = std::move(v);
      current->push_back(std::move(r));
    }
    for (auto* v : {&occ, &el, &scale, &nr, &vsrc}) v->resize(kChunk);
    for (auto* v : {&dv, &llm, &ref, &se}) v->resize(kChunk);
    for (auto* v : {&dv_i, &llm_i, &ref_i, &nr_i, &se_i}) v->resize(kChunk);
  }
  return out;
}

}  // namespace

bool table_exists(soci::session& s, const std::string& table) {
  int n = 0;
  if (s.get_backend_name() == "sqlite3") {
    s << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = :t", soci::use(table), soci::into(n);
  } else {
    s << "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = :t", soci::use(table),
        soci::into(n);
  }
  return n > 0;
}

namespace {

// What a profile gets beyond its ratings: the text estimates, their neighbours, the job zone.
// Tables a database loaded by an older dagrun lacks are read as empty.
struct Extras {
  struct EstimateRow {
    std::string element_id, scale_id;
    double value, sd, lower, upper;
  };
  std::unordered_map<std::string, std::vector<EstimateRow>> estimates;
  std::unordered_map<std::string, std::vector<EstimateNeighbour>> neighbours;
  std::unordered_map<std::string, int> job_zones;
};

Extras read_extras(soci::session& s, const std::string* code) {
  Extras x;
  const std::string c = code ? *code : std::string();
  const std::string where = code ? " WHERE e.onetsoc_code = :code" : "";
  if (table_exists(s, "occupation_estimates")) {
    std::vector<std::string> occ(kChunk), el(kChunk), sc(kChunk);
    std::vector<double> v(kChunk), sd(kChunk), lo(kChunk), hi(kChunk);
    // sql-lint: fixed text (literals only; the code is bound as :code)
    const std::string sql =
        "SELECT e.onetsoc_code, e.element_id, e.scale_id, e.estimate, e.sd, e.lower_bound, "
        "e.upper_bound FROM occupation_estimates e" +
        where;
    // sql-lint: fixed text (literals only; the code is bound as :code)
    auto st = code ? soci::statement((s.prepare << sql, soci::use(c, "code"), soci::into(occ), soci::into(el), soci::into(sc),
                                      soci::into(v), soci::into(sd), soci::into(lo), soci::into(hi)))
                   // sql-lint: fixed text (literals only; the code is bound as :code)
                   : soci::statement((s.prepare << sql, soci::into(occ), soci::into(el), soci::into(sc), soci::into(v),
                                      soci::into(sd), soci::into(lo), soci::into(hi)));
    st.execute();
    while (st.fetch()) {
      for (std::size_t i = 0; i < occ.size(); ++i) x.estimates[occ[i]].push_back({el[i], sc[i], v[i], sd[i], lo[i], hi[i]});
      for (auto* w : {&occ, &el, &sc}) w->resize(kChunk);
      for (auto* w : {&v, &sd, &lo, &hi}) w->resize(kChunk);
    }
  }
  if (table_exists(s, "estimate_neighbours")) {
    // sql-lint: fixed text (literals only; the code is bound as :code)
    const std::string sql =
        "SELECT e.onetsoc_code, e.neighbour_code, o.title, e.similarity FROM estimate_neighbours e "
        "JOIN occupations o ON o.onetsoc_code = e.neighbour_code" +
        where + " ORDER BY e.onetsoc_code, e.neighbour_rank";
    auto take = [&](const soci::row& r) {
      x.neighbours[r.get<std::string>(0)].push_back({r.get<std::string>(1), r.get<std::string>(2), r.get<double>(3)});
    };
    if (code) {
      // sql-lint: fixed text (literals only; the code is bound as :code)
      soci::rowset<soci::row> rs = (s.prepare << sql, soci::use(c, "code"));
      for (const auto& r : rs) take(r);
    } else {
      // sql-lint: fixed text (literals only; the code is bound as :code)
      soci::rowset<soci::row> rs = (s.prepare << sql);
      for (const auto& r : rs) take(r);
    }
  }
  if (table_exists(s, "job_zones")) {
    // sql-lint: fixed text (literals only; the code is bound as :code)
    const std::string sql = "SELECT e.onetsoc_code, e.job_zone FROM job_zones e" + where;
    auto take = [&](const soci::row& r) {
      const auto& p = r.get_properties(1);
      x.job_zones[r.get<std::string>(0)] =
          p.get_data_type() == soci::dt_integer ? r.get<int>(1) : static_cast<int>(r.get<long long>(1));
    };
    if (code) {
      // sql-lint: fixed text (literals only; the code is bound as :code)
      soci::rowset<soci::row> rs = (s.prepare << sql, soci::use(c, "code"));
      for (const auto& r : rs) take(r);
    } else {
      // sql-lint: fixed text (literals only; the code is bound as :code)
      soci::rowset<soci::row> rs = (s.prepare << sql);
      for (const auto& r : rs) take(r);
    }
  }
  return x;
}

// Puts the estimates, neighbours and job zone of `p` (by code) into it.
void attach_extras(OccupationProfile& p, Extras& x, Elements& elements) {
  if (auto it = x.job_zones.find(p.code); it != x.job_zones.end()) p.job_zone = it->second;
  if (auto it = x.neighbours.find(p.code); it != x.neighbours.end()) p.neighbours = std::move(it->second);
  auto it = x.estimates.find(p.code);
  if (it == x.estimates.end()) return;
  std::vector<ElementRating> added;
  for (const auto& e : it->second) {
    auto pos = std::lower_bound(p.ratings.begin(), p.ratings.end(), e.element_id,
                                [](const ElementRating& r, const std::string& id) { return element_id_less(r.element->id, id); });
    ElementRating* r = nullptr;
    if (pos != p.ratings.end() && pos->element->id == e.element_id) {
      r = &*pos;
    } else {
      added.push_back(ElementRating{element_for(elements, e.element_id), std::nullopt, std::nullopt});
      r = &added.back();
    }
    auto& slot = e.scale_id == "LV" ? r->level : r->importance;
    if (!slot) slot.emplace();
    slot->estimate = e.value;
    slot->estimate_sd = e.sd;
    slot->estimate_lower = e.lower;
    slot->estimate_upper = e.upper;
  }
  for (auto& a : added) p.ratings.push_back(std::move(a));
  // Sorts and folds an estimate-only element's LV and IM entries together, and writes the gap
  // cells again: they hold the estimates just set.
  p.finalize();
}

struct OccupationRow {
  std::string code, title, description, source;
};

std::vector<OccupationRow> read_occupations(soci::session& s, const std::string* code) {
  std::vector<OccupationRow> out;
  auto take = [&](const soci::row& r) {
    out.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3)});
  };
  if (code) {
    std::string c = *code;
    soci::rowset<soci::row> rs =
        (s.prepare << "SELECT onetsoc_code, title, description, source FROM occupations WHERE onetsoc_code = :code",
         soci::use(c, "code"));
    for (const auto& r : rs) take(r);
  } else {
    soci::rowset<soci::row> rs = (s.prepare << "SELECT onetsoc_code, title, description, source FROM occupations");
    for (const auto& r : rs) take(r);
  }
  return out;
}

OccupationProfile make_profile(OccupationRow row, std::vector<ElementRating> ratings) {
  OccupationProfile p;
  p.code = std::move(row.code);
  p.title = std::move(row.title);
  p.description = std::move(row.description);
  p.source = std::move(row.source);
  p.ratings = std::move(ratings);
  p.finalize();
  return p;
}

DatasetVersion read_latest_run(soci::session& s) {
  DatasetVersion v;
  soci::rowset<soci::row> rs = (s.prepare << "SELECT run_id, onet_release FROM load_runs WHERE status = 'completed' "
                                             "ORDER BY run_id DESC LIMIT 1");
  for (const auto& r : rs) {
    // SQLite reports INTEGER as long long, MySQL BIGINT as long long or unsigned.
    const auto& p = r.get_properties(0);
    if (p.get_data_type() == soci::dt_integer)
      v.load_run_id = r.get<int>(0);
    else if (p.get_data_type() == soci::dt_unsigned_long_long)
      v.load_run_id = static_cast<std::int64_t>(r.get<unsigned long long>(0));
    else
      v.load_run_id = r.get<long long>(0);
    v.release = r.get<std::string>(1);
  }
  return v;
}

std::string sql_escape_like(const std::string& s) {
  // '!' escapes: portable between SQLite and MySQL (a backslash is special in MySQL literals).
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '!') out += '!';
    out += c;
  }
  return out;
}

// "2023-08-01" (Web Services) -> "08/2023" (the text files' Date column).
std::string month_year(const std::string& date) {
  if (date.size() >= 7 && date[4] == '-') return date.substr(5, 2) + "/" + date.substr(0, 4);
  if (date.size() == 7 && date[2] == '/') return date;
  return {};
}

}  // namespace

bool title_matches(const std::string& title, const std::string& code, const std::string& q_lower) {
  if (q_lower.empty()) return true;
  return common::ascii_lower(title).find(q_lower) != std::string::npos || code.starts_with(q_lower);
}

bool title_search_less(const OccupationSummary& a, const OccupationSummary& b, const std::string& q_lower) {
  const bool pa = !q_lower.empty() && common::ascii_lower(a.title).starts_with(q_lower);
  const bool pb = !q_lower.empty() && common::ascii_lower(b.title).starts_with(q_lower);
  if (pa != pb) return pa;
  if (a.title != b.title) return a.title < b.title;
  return a.code < b.code;
}

ProfileRepository::ProfileRepository(const std::string& database_url) : url_(sqldb::DatabaseUrl::parse(database_url)) {}

ProfileRepository::~ProfileRepository() = default;

template <class F>
auto ProfileRepository::with_session(const char* what, F&& f) -> decltype(f(std::declval<soci::session&>())) {
  std::lock_guard lock(mu_);
  if (!session_) {
    // SQLite would create a missing file and then report missing tables: for a reader, a
    // database file that is not there is an unavailable database.
    if (url_.dialect == sqldb::Dialect::SQLite && !url_.sqlite_path.empty() && url_.sqlite_path != ":memory:" &&
        !std::filesystem::exists(url_.sqlite_path)) {
      throw sqldb::DatabaseUnavailable("database file " + url_.sqlite_path + " does not exist (" + url_.redacted + ")");
    }
    sqldb::SessionOptions opts;
    opts.create_parent_dir = false;  // a reader must not conjure up an empty database
    opts.busy_timeout_ms = 2000;
    session_ = sqldb::open_session(url_, opts);  // throws DatabaseUnavailable
  }
  try {
    return f(*session_);
  } catch (const sqldb::DatabaseUnavailable&) {
    session_.reset();
    throw;
  } catch (const std::exception& e) {
    const bool unavailable = sqldb::is_unavailable_error(e);
    std::string msg = std::string(what) + " (" + url_.redacted + "): " + url_.scrub(e.what());
    if (unavailable) {
      session_.reset();
      throw sqldb::DatabaseUnavailable(msg);
    }
    throw std::runtime_error(msg);
  }
}

DatasetVersion ProfileRepository::latest_completed_run() {
  return with_session("reading the latest completed load run", [](soci::session& s) { return read_latest_run(s); });
}

ProfileSet ProfileRepository::load_all() {
  return with_session("loading occupation profiles", [this](soci::session& s) {
    ProfileSet set;
    Transaction tx(s, url_.dialect, true);
    set.version = read_latest_run(s);
    auto elements = read_elements(s);
    auto occupations = read_occupations(s, nullptr);
    auto ratings = read_ratings(s, elements, nullptr);
    auto extras = read_extras(s, nullptr);
    set.texts = std::make_shared<const OccupationTexts>(read_occupation_texts(s, set.version.load_run_id));
    tx.commit();
    set.profiles.reserve(occupations.size());
    for (auto& row : occupations) {
      std::vector<ElementRating> rs;
      if (auto it = ratings.find(row.code); it != ratings.end()) rs = std::move(it->second);
      auto p = make_profile(std::move(row), std::move(rs));
      attach_extras(p, extras, elements);
      set.profiles.push_back(std::make_shared<const OccupationProfile>(std::move(p)));
    }
    std::sort(set.profiles.begin(), set.profiles.end(),
              [](const ProfilePtr& a, const ProfilePtr& b) { return a->code < b->code; });
    return set;
  });
}

std::optional<OccupationProfile> ProfileRepository::find(const std::string& code) {
  return with_session("reading occupation", [&](soci::session& s) -> std::optional<OccupationProfile> {
    Transaction tx(s, url_.dialect, true);
    auto rows = read_occupations(s, &code);
    if (rows.empty()) return std::nullopt;
    auto elements = read_elements(s);
    auto ratings = read_ratings(s, elements, &code);
    auto extras = read_extras(s, &code);
    tx.commit();
    std::vector<ElementRating> rs;
    if (auto it = ratings.find(code); it != ratings.end()) rs = std::move(it->second);
    auto p = make_profile(std::move(rows.front()), std::move(rs));
    attach_extras(p, extras, elements);
    return p;
  });
}

std::vector<OccupationSummary> ProfileRepository::search_titles(const std::string& q, std::size_t limit) {
  return with_session("searching occupation titles", [&](soci::session& s) {
    const std::string ql = common::ascii_lower(q);
    std::string contains = "%" + sql_escape_like(ql) + "%";
    std::string code_prefix = sql_escape_like(ql) + "%";
    std::string title_prefix = code_prefix;
    int lim = static_cast<int>(std::min<std::size_t>(limit, 100000));
    std::vector<OccupationSummary> out;
    soci::rowset<soci::row> rs =
        (s.prepare << "SELECT onetsoc_code, title FROM occupations "
                      "WHERE lower(title) LIKE :contains ESCAPE '!' OR onetsoc_code LIKE :code_prefix ESCAPE '!' "
                      "ORDER BY CASE WHEN lower(title) LIKE :title_prefix ESCAPE '!' THEN 0 ELSE 1 END, title, onetsoc_code "
                      "LIMIT :lim",
         soci::use(contains, "contains"), soci::use(code_prefix, "code_prefix"), soci::use(title_prefix, "title_prefix"),
         soci::use(lim, "lim"));
    for (const auto& r : rs) out.push_back({r.get<std::string>(0), r.get<std::string>(1)});
    return out;
  });
}

void ProfileRepository::store_fetched(const FetchedOccupation& occ) {
  with_session("storing an occupation fetched from O*NET Web Services", [&](soci::session& s) {
    const std::string ignore = url_.dialect == sqldb::Dialect::MySQL ? "INSERT IGNORE INTO " : "INSERT OR IGNORE INTO ";
    Transaction tx(s, url_.dialect, false);
    // sql-lint: fixed identifiers (`ignore` is one of two literal INSERT verbs; values bound)
    s << ignore + "scales (scale_id, scale_name, minimum, maximum) VALUES ('IM', 'Importance', 1, 5)";
    s << ignore + "scales (scale_id, scale_name, minimum, maximum) VALUES ('LV', 'Level', 0, 7)";  // sql-lint: fixed identifiers
    std::map<std::string, std::string> names;
    for (const auto& r : occ.ratings) names.emplace(r.element_id, r.element_name);
    for (const auto& [id, name] : names) {
      Element probe{id, name, "", {}};
      auto d = domain_of(probe);
      std::string domain = d ? std::string(to_string(*d)) : "other";
      std::string eid = id, ename = name.empty() ? id : name, empty;
      // sql-lint: fixed identifiers (INSERT verb by dialect; values bound)
      s << ignore + "content_elements (element_id, element_name, description, domain) VALUES (:id, :name, :descr, :domain)",
          soci::use(eid, "id"), soci::use(ename, "name"), soci::use(empty, "descr"), soci::use(domain, "domain");
    }
    std::string code = occ.code, title = occ.title, descr = occ.description;
    // sql-lint: fixed identifiers (INSERT verb by dialect; values bound)
    s << ignore + "occupations (onetsoc_code, title, description, source) VALUES (:code, :title, :descr, 'onet_api')",
        soci::use(code, "code"), soci::use(title, "title"), soci::use(descr, "descr");
    for (const auto& r : occ.ratings) {
      std::string eid = r.element_id, scale = r.scale_id;
      double dv = r.data_value.value_or(0), se = r.standard_error.value_or(0), lo = r.lower_ci.value_or(0),
             hi = r.upper_ci.value_or(0);
      long long n = r.n.value_or(0);
      std::string rs(1, r.recommend_suppress.value_or('N')), nr(1, r.not_relevant.value_or('N'));
      std::string date = month_year(r.date_updated), dsrc = r.domain_source;
      soci::indicator dv_i = r.data_value ? soci::i_ok : soci::i_null, se_i = r.standard_error ? soci::i_ok : soci::i_null,
                      lo_i = r.lower_ci ? soci::i_ok : soci::i_null, hi_i = r.upper_ci ? soci::i_ok : soci::i_null,
                      n_i = r.n ? soci::i_ok : soci::i_null, rs_i = r.recommend_suppress ? soci::i_ok : soci::i_null,
                      nr_i = r.not_relevant ? soci::i_ok : soci::i_null, date_i = date.empty() ? soci::i_null : soci::i_ok,
                      dsrc_i = dsrc.empty() ? soci::i_null : soci::i_ok;
      // sql-lint: fixed identifiers (INSERT verb by dialect; values bound)
      s << ignore +
               "occupation_ratings (onetsoc_code, element_id, scale_id, data_value, n, standard_error, lower_ci_bound, "
               "upper_ci_bound, recommend_suppress, not_relevant, date_updated, domain_source, value_source) "
               "VALUES (:code, :el, :scale, :dv, :n, :se, :lo, :hi, :rs, :nr, :date, :dsrc, 'onet_api')",
          soci::use(code, "code"), soci::use(eid, "el"), soci::use(scale, "scale"), soci::use(dv, dv_i, "dv"),
          soci::use(n, n_i, "n"), soci::use(se, se_i, "se"), soci::use(lo, lo_i, "lo"), soci::use(hi, hi_i, "hi"),
          soci::use(rs, rs_i, "rs"), soci::use(nr, nr_i, "nr"), soci::use(date, date_i, "date"), soci::use(dsrc, dsrc_i, "dsrc");
    }
    tx.commit();
  });
}

}  // namespace gap
