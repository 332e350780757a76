#include "nodes/sql/onet_repository.hpp"

#include <soci/soci.h>

namespace sqldb {
namespace {

enum OccCol { kOccCode, kOccTitle, kOccDescription, kOccSource, kOccRun };
enum ElCol { kElId, kElName, kElDescription, kElDomain };
enum ScCol { kScId, kScName, kScMin, kScMax };
enum RatCol {
  kRatCode,
  kRatElement,
  kRatScale,
  kRatValue,
  kRatN,
  kRatSe,
  kRatLo,
  kRatHi,
  kRatSuppress,
  kRatNotRelevant,
  kRatDate,
  kRatDomainSource,
  kRatLlm,
  kRatRefined,
  kRatValueSource,
  kRatRun
};

std::vector<ColumnDef> occupation_columns() {
  return {{"onetsoc_code", ColumnType::Text},
          {"title", ColumnType::Text},
          {"description", ColumnType::Text},
          {"source", ColumnType::Text},
          {"load_run_id", ColumnType::Integer}};
}
std::vector<ColumnDef> element_columns() {
  return {{"element_id", ColumnType::Text},
          {"element_name", ColumnType::Text},
          {"description", ColumnType::Text},
          {"domain", ColumnType::Text}};
}
std::vector<ColumnDef> scale_columns() {
  return {{"scale_id", ColumnType::Text},
          {"scale_name", ColumnType::Text},
          {"minimum", ColumnType::Real},
          {"maximum", ColumnType::Real}};
}
std::vector<ColumnDef> rating_columns() {
  return {{"onetsoc_code", ColumnType::Text},   {"element_id", ColumnType::Text},     {"scale_id", ColumnType::Text},
          {"data_value", ColumnType::Real},     {"n", ColumnType::Integer},           {"standard_error", ColumnType::Real},
          {"lower_ci_bound", ColumnType::Real}, {"upper_ci_bound", ColumnType::Real}, {"recommend_suppress", ColumnType::Text},
          {"not_relevant", ColumnType::Text},   {"date_updated", ColumnType::Text},   {"domain_source", ColumnType::Text},
          {"llm_value", ColumnType::Real},      {"refined_value", ColumnType::Real},  {"value_source", ColumnType::Text},
          {"load_run_id", ColumnType::Integer}};
}

// Schema version 2, indexed by OnetRepository::Extra (parents before children).
struct ExtraTable {
  const char* name;
  std::vector<ColumnDef> columns;
};
const std::vector<ExtraTable>& extra_tables() {
  using T = ColumnType;
  static const std::vector<ExtraTable> tables = {
      {"task_statements",
       {{"task_id", T::Integer},
        {"onetsoc_code", T::Text},
        {"task", T::Text},
        {"task_type", T::Text},
        {"incumbents_responding", T::Real},
        {"date_updated", T::Text},
        {"domain_source", T::Text}}},
      {"alternate_titles",
       {{"onetsoc_code", T::Text}, {"alternate_title", T::Text}, {"short_title", T::Text}, {"sources", T::Text}}},
      {"reported_titles", {{"onetsoc_code", T::Text}, {"reported_title", T::Text}, {"shown_in_my_next_move", T::Text}}},
      {"job_zone_reference",
       {{"job_zone", T::Integer},
        {"name", T::Text},
        {"experience", T::Text},
        {"education", T::Text},
        {"job_training", T::Text},
        {"examples", T::Text},
        {"svp_range", T::Text}}},
      {"job_zones", {{"onetsoc_code", T::Text}, {"job_zone", T::Integer}, {"date_updated", T::Text}, {"domain_source", T::Text}}},
      {"level_scale_anchors",
       {{"element_id", T::Text}, {"scale_id", T::Text}, {"anchor_value", T::Real}, {"anchor_description", T::Text}}},
      {"technology_commodities", {{"commodity_code", T::Integer}, {"commodity_title", T::Text}}},
      {"technology_skills",
       {{"onetsoc_code", T::Text},
        {"commodity_code", T::Integer},
        {"example", T::Text},
        {"hot_technology", T::Text},
        {"in_demand", T::Text}}},
      {"ete_categories",
       {{"element_id", T::Text}, {"scale_id", T::Text}, {"category", T::Integer}, {"category_description", T::Text}}},
      {"ete_ratings",
       {{"onetsoc_code", T::Text},
        {"element_id", T::Text},
        {"scale_id", T::Text},
        {"category", T::Integer},
        {"data_value", T::Real},
        {"n", T::Integer},
        {"standard_error", T::Real},
        {"lower_ci_bound", T::Real},
        {"upper_ci_bound", T::Real},
        {"recommend_suppress", T::Text},
        {"date_updated", T::Text},
        {"domain_source", T::Text}}},
  };
  return tables;
}

std::string_view yes_no(bool v) { return v ? "Y" : "N"; }

std::optional<std::string_view> flag_text(const std::optional<char>& f) {
  if (!f) return std::nullopt;
  return f == 'Y' ? std::string_view("Y") : f == 'N' ? std::string_view("N") : std::string_view("?");
}

std::optional<std::string_view> text_or_null(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return std::string_view(s);
}

std::string origin(const std::string& file, std::uint32_t line) { return file + ":" + std::to_string(line); }

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

long long last_insert_id(soci::session& s, Dialect d) {
  long long id = -1;
  s << (d == Dialect::SQLite ? "SELECT last_insert_rowid()" : "SELECT LAST_INSERT_ID()"), soci::into(id);
  return id;
}

// Runs `what` and turns a driver error into one that names the step; a lost connection
// stays recognisable as DatabaseUnavailable.
template <class F>
auto step(const std::string& what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const DatabaseUnavailable&) {
    throw;
  } catch (const soci::soci_error& e) {
    std::string msg = what + ": " + e.get_error_message();
    if (is_unavailable_error(e)) throw DatabaseUnavailable(msg);
    throw std::runtime_error(msg);
  }
}

}  // namespace

std::string element_domain(const std::string& id) {
  if (id == "2.A" || id == "2.B" || starts_with(id, "2.A.") || starts_with(id, "2.B.")) return "skills";
  if (id == "2.C" || starts_with(id, "2.C.")) return "knowledge";
  if (id == "1.A" || starts_with(id, "1.A.")) return "abilities";
  return "other";
}

OnetRepository::OnetRepository(soci::session& s, Dialect dialect, const BulkInsertOptions& insert, bool keep_api_rows)
    : s_(s), dialect_(dialect), insert_(insert), keep_api_rows_(keep_api_rows) {}

OnetRepository::~OnetRepository() = default;

void OnetRepository::exec(const std::string& sql) {
  // sql-lint: fixed text (every caller passes a literal statement)
  step(sql.substr(0, sql.find(' ', 30)), [&] { s_ << sql; });
}

long long OnetRepository::count(const std::string& table) {
  long long n = 0;
  // sql-lint: fixed identifiers (callers pass one of the schema's table names)
  step("counting " + table, [&] { s_ << "SELECT COUNT(*) FROM " + table, soci::into(n); });
  return n;
}

long long OnetRepository::begin(const LoadRunInfo& info) {
  if (dialect_ == Dialect::SQLite) {
    // Per connection, outside the transaction. WAL + NORMAL is durable against a crash of the
    // process (only an OS crash can lose the last commit); a larger page cache keeps the
    // indexes of the load in memory.
    exec("PRAGMA synchronous = NORMAL");
    exec("PRAGMA cache_size = -32768");
    exec("PRAGMA temp_store = MEMORY");
    // IMMEDIATE takes the write lock now: a second loader waits (busy timeout) or fails here,
    // before any work, instead of at its first INSERT.
    exec("BEGIN IMMEDIATE");
  } else {
    exec("START TRANSACTION");
  }
  in_tx_ = true;

  std::optional<std::string> checksum;
  if (!info.checksum.empty()) checksum = info.checksum;
  soci::indicator checksum_ind = checksum ? soci::i_ok : soci::i_null;
  std::string checksum_value = checksum.value_or("");
  step("recording the load run", [&] {
    s_ << "INSERT INTO load_runs (pipeline, onet_release, source, source_checksum, started_at, "
          "status) VALUES (:p, :r, :s, :c, :t, 'running')",
        soci::use(info.pipeline), soci::use(info.release), soci::use(info.source), soci::use(checksum_value, checksum_ind),
        soci::use(info.started_at);
    run_id_ = last_insert_id(s_, dialect_);
  });

  if (keep_api_rows_) {
    if (dialect_ == Dialect::SQLite) {
      exec("DROP TABLE IF EXISTS temp.keep_occupations");
      exec("DROP TABLE IF EXISTS temp.keep_ratings");
      exec(
          "CREATE TEMP TABLE keep_occupations AS "
          "SELECT * FROM main.occupations WHERE source = 'onet_api'");
      exec(
          "CREATE TEMP TABLE keep_ratings AS "
          "SELECT * FROM main.occupation_ratings WHERE value_source = 'onet_api'");
    } else {
      exec("DROP TEMPORARY TABLE IF EXISTS keep_occupations");
      exec("DROP TEMPORARY TABLE IF EXISTS keep_ratings");
      exec(
          "CREATE TEMPORARY TABLE keep_occupations AS "
          "SELECT * FROM occupations WHERE source = 'onet_api'");
      exec(
          "CREATE TEMPORARY TABLE keep_ratings AS "
          "SELECT * FROM occupation_ratings WHERE value_source = 'onet_api'");
    }
  }
  // Children before parents (foreign keys).
  exec("DELETE FROM estimate_neighbours");
  exec("DELETE FROM occupation_estimates");
  exec("DELETE FROM ete_ratings");
  exec("DELETE FROM ete_categories");
  exec("DELETE FROM technology_skills");
  exec("DELETE FROM technology_commodities");
  exec("DELETE FROM level_scale_anchors");
  exec("DELETE FROM job_zones");
  exec("DELETE FROM job_zone_reference");
  exec("DELETE FROM reported_titles");
  exec("DELETE FROM alternate_titles");
  exec("DELETE FROM task_statements");
  exec("DELETE FROM occupation_ratings");
  exec("DELETE FROM occupations");
  exec("DELETE FROM content_elements");
  exec("DELETE FROM scales");

  auto inserter = [&](const char* table, std::vector<ColumnDef> columns) {
    return step(std::string("preparing the inserts into ") + table,
                [&] { return std::make_unique<BulkInsert>(s_, dialect_, table, std::move(columns), insert_); });
  };
  occupations_ = inserter("occupations", occupation_columns());
  elements_ = inserter("content_elements", element_columns());
  scales_ = inserter("scales", scale_columns());
  ratings_ = inserter("occupation_ratings", rating_columns());
  const auto& extras = extra_tables();
  static_assert(kExtraCount == 10);
  for (std::size_t i = 0; i < kExtraCount; ++i) extra_[i] = inserter(extras[i].name, extras[i].columns);
  commodities_.clear();
  estimates_ = inserter("occupation_estimates", {{"onetsoc_code", ColumnType::Text},
                                                 {"element_id", ColumnType::Text},
                                                 {"scale_id", ColumnType::Text},
                                                 {"estimate", ColumnType::Real},
                                                 {"sd", ColumnType::Real},
                                                 {"lower_bound", ColumnType::Real},
                                                 {"upper_bound", ColumnType::Real},
                                                 {"load_run_id", ColumnType::Integer}});
  neighbours_ = inserter("estimate_neighbours", {{"onetsoc_code", ColumnType::Text},
                                                 {"neighbour_rank", ColumnType::Integer},
                                                 {"neighbour_code", ColumnType::Text},
                                                 {"similarity", ColumnType::Real}});
  return run_id_;
}

void OnetRepository::add(const std::vector<onet::OccupationRow>& rows, const std::string& file) {
  auto& b = *occupations_;
  for (const auto& r : rows) {
    b.text(kOccCode, r.code);
    b.text(kOccTitle, r.title);
    b.text(kOccDescription, r.description);
    b.text(kOccSource, std::string_view("file"));
    b.integer(kOccRun, run_id_);
    b.end_row(origin(file, r.line));
  }
}

void OnetRepository::add(const std::vector<onet::ElementRow>& rows, const std::string& file) {
  auto& b = *elements_;
  for (const auto& r : rows) {
    b.text(kElId, r.element_id);
    b.text(kElName, r.element_name);
    b.text(kElDescription, r.description);
    b.text(kElDomain, element_domain(r.element_id));
    b.end_row(origin(file, r.line));
  }
}

void OnetRepository::add(const std::vector<onet::ScaleRow>& rows, const std::string& file) {
  auto& b = *scales_;
  for (const auto& r : rows) {
    b.text(kScId, r.scale_id);
    b.text(kScName, r.scale_name);
    b.real(kScMin, r.minimum);
    b.real(kScMax, r.maximum);
    b.end_row(origin(file, r.line));
  }
}

// Every table some other table points into, parents first (ETE Categories point into content
// elements and scales).
void OnetRepository::flush_parents() {
  occupations_->flush();
  elements_->flush();
  scales_->flush();
  extra(kJobZoneReference).flush();
  extra(kEteCategories).flush();
  extra(kCommodities).flush();
}

void OnetRepository::add(const std::vector<onet::RatingRow>& rows, const std::string& file) {
  flush_parents();
  auto& b = *ratings_;
  for (const auto& r : rows) {
    b.text(kRatCode, r.code);
    b.text(kRatElement, r.element_id);
    b.text(kRatScale, r.scale_id);
    // An LLM-only row (an occupation O*NET does not rate) has no O*NET value.
    b.real(kRatValue, r.value_source == "llm" ? std::nullopt : std::optional<double>(r.value));
    b.integer(kRatN, r.n ? std::optional<long long>(*r.n) : std::nullopt);
    b.real(kRatSe, r.standard_error);
    b.real(kRatLo, r.lower_ci);
    b.real(kRatHi, r.upper_ci);
    b.nullable_text(kRatSuppress, flag_text(r.recommend_suppress));
    b.nullable_text(kRatNotRelevant, flag_text(r.not_relevant));
    b.nullable_text(kRatDate, text_or_null(r.date));
    b.nullable_text(kRatDomainSource, text_or_null(r.domain_source));
    b.real(kRatLlm, r.llm_value);
    b.real(kRatRefined, r.refined_value);
    b.text(kRatValueSource, r.value_source.empty() ? std::string_view("file") : std::string_view(r.value_source));
    b.integer(kRatRun, run_id_);
    b.end_row(origin(file, r.line));
  }
}

void OnetRepository::add(const estimate::EstimateBatch& batch) {
  flush_parents();
  for (const auto& o : batch.occupations) {
    const std::string where = "text_estimate:" + o.code;
    for (const auto& v : o.values) {
      auto& b = *estimates_;
      b.text(0, o.code);
      b.text(1, v.element_id);
      b.text(2, v.scale_id);
      b.real(3, v.value);
      b.real(4, v.sd);
      b.real(5, v.lower);
      b.real(6, v.upper);
      b.integer(7, run_id_);
      b.end_row(where);
    }
    long long rank = 0;
    for (const auto& n : o.neighbours) {
      auto& b = *neighbours_;
      b.text(0, o.code);
      b.integer(1, ++rank);
      b.text(2, n.code);
      b.real(3, n.similarity);
      b.end_row(where);
    }
  }
}

long long OnetRepository::estimates_written() const {
  return estimates_ ? static_cast<long long>(estimates_->rows_written()) : 0;
}

void OnetRepository::add(const std::vector<onet::TaskRow>& rows, const std::string& file) {
  flush_parents();
  auto& b = extra(kTasks);
  for (const auto& r : rows) {
    b.integer(0, r.task_id);
    b.text(1, r.code);
    b.text(2, r.task);
    b.nullable_text(3, r.task_type ? std::optional<std::string_view>(*r.task_type) : std::nullopt);
    b.real(4, r.incumbents_responding);
    b.nullable_text(5, text_or_null(r.date));
    b.nullable_text(6, text_or_null(r.domain_source));
    b.end_row(origin(file, r.line));
  }
}

void OnetRepository::add(const std::vector<onet::AlternateTitleRow>& rows, const std::string& file) {
  flush_parents();
  auto& b = extra(kAlternateTitles);
  for (const auto& r : rows) {
    b.text(0, r.code);
    b.text(1, r.title);
    b.nullable_text(2, r.short_title ? std::optional<std::string_view>(*r.short_title) : std::nullopt);
    b.text(3, r.sources);
    b.end_row(origin(file, r.line));
  }
}

void OnetRepository::add(const std::vector<onet::ReportedTitleRow>& rows, const std::string& file) {
  flush_parents();
  auto& b = extra(kReportedTitles);
  for (const auto& r : rows) {
    b.text(0, r.code);
    b.text(1, r.title);
    b.text(2, yes_no(r.shown_in_my_next_move));
    b.end_row(origin(file, r.line));
  }
}

void OnetRepository::add(const std::vector<onet::JobZoneReferenceRow>& rows, const std::string& file) {
  auto& b = extra(kJobZoneReference);
  for (const auto& r : rows) {
    b.integer(0, r.job_zone);
    b.text(1, r.name);
    b.text(2, r.experience);
    b.text(3, r.education);
    b.text(4, r.job_training);
    b.text(5, r.examples);
    b.text(6, r.svp_range);
    b.end_row(origin(file, r.line));
  }
}

void OnetRepository::add(const std::vector<onet::JobZoneRow>& rows, const std::string& file) {
  flush_parents();
  auto& b = extra(kJobZones);
  for (const auto& r : rows) {
    b.text(0, r.code);
    b.integer(1, r.job_zone);
    b.nullable_text(2, text_or_null(r.date));
    b.nullable_text(3, text_or_null(r.domain_source));
    b.end_row(origin(file, r.line));
  }
}

void OnetRepository::add(const std::vector<onet::AnchorRow>& rows, const std::string& file) {
  flush_parents();
  auto& b = extra(kAnchors);
  for (const auto& r : rows) {
    b.text(0, r.element_id);
    b.text(1, r.scale_id);
    b.real(2, r.anchor_value);
    b.text(3, r.description);
    b.end_row(origin(file, r.line));
  }
}

void OnetRepository::add(const std::vector<onet::TechnologyRow>& rows, const std::string& file) {
  // The commodity title is stored once per code (onet_validate checked that a code keeps its
  // title); new codes go out before the rows that reference them.
  auto& c = extra(kCommodities);
  for (const auto& r : rows) {
    if (!commodities_.insert(r.commodity_code).second) continue;
    c.integer(0, r.commodity_code);
    c.text(1, r.commodity_title);
    c.end_row(origin(file, r.line));
  }
  flush_parents();
  auto& b = extra(kTechnologies);
  for (const auto& r : rows) {
    b.text(0, r.code);
    b.integer(1, r.commodity_code);
    b.text(2, r.example);
    b.text(3, yes_no(r.hot));
    b.text(4, yes_no(r.in_demand));
    b.end_row(origin(file, r.line));
  }
}

void OnetRepository::add(const std::vector<onet::EteCategoryRow>& rows, const std::string& file) {
  occupations_->flush();
  elements_->flush();
  scales_->flush();
  auto& b = extra(kEteCategories);
  for (const auto& r : rows) {
    b.text(0, r.element_id);
    b.text(1, r.scale_id);
    b.integer(2, r.category);
    b.text(3, r.description);
    b.end_row(origin(file, r.line));
  }
}

void OnetRepository::add(const std::vector<onet::EteRow>& rows, const std::string& file) {
  flush_parents();
  auto& b = extra(kEte);
  for (const auto& r : rows) {
    b.text(0, r.code);
    b.text(1, r.element_id);
    b.text(2, r.scale_id);
    b.integer(3, r.category ? std::optional<long long>(r.category) : std::nullopt);  // 0: n/a
    b.real(4, r.value);
    b.integer(5, r.n ? std::optional<long long>(*r.n) : std::nullopt);
    b.real(6, r.standard_error);
    b.real(7, r.lower_ci);
    b.real(8, r.upper_ci);
    b.nullable_text(9, flag_text(r.recommend_suppress));
    b.nullable_text(10, text_or_null(r.date));
    b.nullable_text(11, text_or_null(r.domain_source));
    b.end_row(origin(file, r.line));
  }
}

LoadCounts OnetRepository::written() const {
  LoadCounts c;
  c.occupations = occupations_written();
  c.elements = elements_written();
  c.scales = scales_written();
  c.ratings = ratings_written();
  c.task_statements = extra_written(kTasks);
  c.alternate_titles = extra_written(kAlternateTitles);
  c.reported_titles = extra_written(kReportedTitles);
  c.job_zones = extra_written(kJobZones);
  c.job_zone_reference = extra_written(kJobZoneReference);
  c.level_scale_anchors = extra_written(kAnchors);
  c.technology_skills = extra_written(kTechnologies);
  c.technology_commodities = extra_written(kCommodities);
  c.ete_ratings = extra_written(kEte);
  c.ete_categories = extra_written(kEteCategories);
  return c;
}

long long OnetRepository::occupations_written() const { return occupations_ ? occupations_->rows_written() : 0; }
long long OnetRepository::elements_written() const { return elements_ ? elements_->rows_written() : 0; }
long long OnetRepository::scales_written() const { return scales_ ? scales_->rows_written() : 0; }
long long OnetRepository::ratings_written() const { return ratings_ ? ratings_->rows_written() : 0; }

LoadCounts OnetRepository::complete(const LoadRunInfo& info, long long rejected) {
  flush_parents();
  ratings_->flush();
  for (auto& b : extra_) b->flush();  // parents before children, in Extra order
  estimates_->flush();
  neighbours_->flush();

  LoadCounts c = written();
  c.rejected = rejected;
  if (keep_api_rows_) {
    auto restore = [&](const std::string& what, const std::string& sql) {
      return step("restoring " + what, [&] {
        soci::statement st = (s_.prepare << sql);  // sql-lint: fixed text (literal statements below)
        st.execute(true);
        return st.get_affected_rows();
      });
    };
    // The release wins: an API row comes back only where the new data has no row with its
    // key, and only while everything it references still exists.
    c.kept_api_occupations = restore("API occupations",
                                     "INSERT INTO occupations SELECT * FROM keep_occupations k WHERE NOT EXISTS "
                                     "(SELECT 1 FROM occupations o WHERE o.onetsoc_code = k.onetsoc_code)");
    c.kept_api_ratings = restore("API ratings",
                                 "INSERT INTO occupation_ratings SELECT * FROM keep_ratings k WHERE NOT EXISTS "
                                 "(SELECT 1 FROM occupation_ratings r WHERE r.onetsoc_code = k.onetsoc_code "
                                 "AND r.element_id = k.element_id AND r.scale_id = k.scale_id) "
                                 "AND EXISTS (SELECT 1 FROM occupations o WHERE o.onetsoc_code = k.onetsoc_code) "
                                 "AND EXISTS (SELECT 1 FROM content_elements e WHERE e.element_id = k.element_id) "
                                 "AND EXISTS (SELECT 1 FROM scales s WHERE s.scale_id = k.scale_id)");
    if (dialect_ == Dialect::SQLite) {
      exec("DROP TABLE temp.keep_occupations");
      exec("DROP TABLE temp.keep_ratings");
    } else {
      exec("DROP TEMPORARY TABLE keep_occupations");
      exec("DROP TEMPORARY TABLE keep_ratings");
    }
  }
  c.occupations = occupations_->rows_written() + c.kept_api_occupations;
  c.elements = elements_->rows_written();
  c.scales = scales_->rows_written();
  c.ratings = ratings_->rows_written() + c.kept_api_ratings;

  std::string message = "release rows: " + std::to_string(occupations_->rows_written()) + " occupations, " +
                        std::to_string(ratings_->rows_written()) +
                        " ratings; kept from the O*NET API: " + std::to_string(c.kept_api_occupations) + " occupations, " +
                        std::to_string(c.kept_api_ratings) + " ratings";
  std::string checksum_value = info.checksum;
  soci::indicator checksum_ind = info.checksum.empty() ? soci::i_null : soci::i_ok;
  std::string finished = utc_now_iso8601();
  std::string llm_summary = info.llm_summary;
  soci::indicator llm_ind = info.llm_summary.empty() ? soci::i_null : soci::i_ok;
  std::string estimate_summary = info.estimate_summary;
  soci::indicator estimate_ind = info.estimate_summary.empty() ? soci::i_null : soci::i_ok;
  step("completing the load run", [&] {
    s_ << "UPDATE load_runs SET onet_release = :r, source = :s, source_checksum = :c, "
          "finished_at = :f, status = 'completed', occupations = :o, elements = :e, "
          "scales = :sc, ratings = :ra, rejected = :rj, llm_summary = :l, estimate_summary = :es, message = :m, "
          "task_statements = :t1, alternate_titles = :t2, reported_titles = :t3, job_zones = :t4, "
          "job_zone_reference = :t5, level_scale_anchors = :t6, technology_skills = :t7, "
          "technology_commodities = :t8, ete_ratings = :t9, ete_categories = :t10 "
          "WHERE run_id = :id",
        soci::use(info.release), soci::use(info.source), soci::use(checksum_value, checksum_ind), soci::use(finished),
        soci::use(c.occupations), soci::use(c.elements), soci::use(c.scales), soci::use(c.ratings), soci::use(c.rejected),
        soci::use(llm_summary, llm_ind), soci::use(estimate_summary, estimate_ind), soci::use(message),
        soci::use(c.task_statements), soci::use(c.alternate_titles), soci::use(c.reported_titles), soci::use(c.job_zones),
        soci::use(c.job_zone_reference), soci::use(c.level_scale_anchors), soci::use(c.technology_skills),
        soci::use(c.technology_commodities), soci::use(c.ete_ratings), soci::use(c.ete_categories), soci::use(run_id_);
  });
  return c;
}

void OnetRepository::commit() {
  exec("COMMIT");
  in_tx_ = false;
}

bool OnetRepository::rollback(std::string& error) noexcept {
  if (!in_tx_) return true;
  in_tx_ = false;
  try {
    s_ << "ROLLBACK";
    return true;
  } catch (const soci::soci_error& e) {
    error = e.get_error_message();
  } catch (const std::exception& e) {
    error = e.what();
  }
  return false;
}

long long OnetRepository::record_failed_run(soci::session& s, Dialect dialect, const LoadRunInfo& info,
                                            const std::string& message) {
  std::string checksum_value = info.checksum;
  soci::indicator checksum_ind = info.checksum.empty() ? soci::i_null : soci::i_ok;
  std::string finished = utc_now_iso8601();
  std::string started = info.started_at.empty() ? finished : info.started_at;
  // Keep the message readable in any client and inside the column.
  std::string msg = message.size() > 4000 ? message.substr(0, 4000) + "..." : message;
  return step("recording the failed load run", [&] {
    soci::transaction tx(s);
    s << "INSERT INTO load_runs (pipeline, onet_release, source, source_checksum, started_at, "
         "finished_at, status, message) VALUES (:p, :r, :s, :c, :t, :f, 'failed', :m)",
        soci::use(info.pipeline), soci::use(info.release), soci::use(info.source), soci::use(checksum_value, checksum_ind),
        soci::use(started), soci::use(finished), soci::use(msg);
    long long id = last_insert_id(s, dialect);
    tx.commit();
    return id;
  });
}

}  // namespace sqldb
