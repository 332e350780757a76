#include "tests/nodes_sql/test_dataset.hpp"

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>

namespace dag {
void register_sql_nodes(Registry& r);
void register_estimate_nodes(Registry& r);
}  // namespace dag

namespace sqltest {
namespace {

using onet::ElementRow;
using onet::OccupationRow;
using onet::RatingRow;
using onet::ScaleRow;
using onet::TableBatch;

struct Tables {
  std::vector<OccupationRow> occupations;
  std::vector<ElementRow> elements;
  std::vector<ScaleRow> scales;
  std::vector<RatingRow> skills, knowledge;
  // The descriptive tables (variants desc, desc_orphan).
  std::vector<onet::TaskRow> tasks;
  std::vector<onet::AlternateTitleRow> alternate_titles;
  std::vector<onet::ReportedTitleRow> reported_titles;
  std::vector<onet::JobZoneReferenceRow> job_zone_reference;
  std::vector<onet::JobZoneRow> job_zones;
  std::vector<onet::AnchorRow> anchors;
  std::vector<onet::TechnologyRow> technologies;
  std::vector<onet::EteCategoryRow> ete_categories;
  std::vector<onet::EteRow> ete;
};

onet::EteRow ete_row(const std::string& code, const std::string& element, const std::string& name, const std::string& scale,
                     int category, double value, bool full_stats) {
  onet::EteRow r;
  r.code = code;
  r.element_id = element;
  r.element_name = name;
  r.scale_id = scale;
  r.category = category;
  r.value = value;
  r.n = 28;
  if (full_stats) {
    r.standard_error = 2.5;
    r.lower_ci = value / 2;
    r.upper_ci = value + 5;
    r.recommend_suppress = 'N';
  }
  r.date = "08/2023";
  r.domain_source = full_stats ? "Incumbent" : "Occupational Expert";
  return r;
}

// Every descriptive table, with the values the SQL tests check: n/a (nullopt) where O*NET has
// it, text that needs care in SQL, a title listed twice with different short titles, one
// commodity used by several rows.
void add_descriptive(Tables& t) {
  t.elements.push_back({"2.D.1", "Required Level of Education", "The level of education required.", 0});
  t.elements.push_back({"2.D.4.a", "Job-Related Professional Certification", "Possession of a certification.", 0});
  t.scales.push_back({"RL", "Required Level Of Education (Categories 1-12)", 0, 100, 0});
  t.tasks = {{"15-1252.00", 16363, "Analyze user needs and software requirements.", "Core", 57.0, "08/2023", "Incumbent", 0},
             {"15-1252.00", 16364, "Caf\xC3\xA9 \"quoted\" 'task' with a back\\slash; DROP TABLE x;--", "Supplemental", 12.5,
              "08/2023", "Incumbent", 0},
             {"29-1141.00", 20001, "Monitor patients.", std::nullopt, std::nullopt, "08/2022", "Analyst", 0}};
  t.alternate_titles = {{"15-1252.00", "Software Engineer", std::nullopt, "02,04,10", 0},
                        {"29-1141.00", "Registered Nurse (RN)", "RN", "02,03", 0},
                        {"29-1141.00", "Staff Nurse", std::nullopt, "04", 0},
                        {"29-1141.00", "Staff Nurse", "SN", "04,06", 0}};
  t.reported_titles = {{"15-1252.00", "Software Developer", true, 0}, {"15-1252.00", "Application Developer", false, 0}};
  t.job_zone_reference = {{3, "Job Zone Three: Medium Preparation Needed", "Previous experience is required.",
                           "Vocational training.", "One or two years.", "Electricians.", "(6.0 to < 7.0)", 0},
                          {4, "Job Zone Four: Considerable Preparation Needed", "A minimum of two to four years.",
                           "A bachelor's degree.", "Several years.", "Accountants.", "(7.0 to < 8.0)", 0}};
  t.job_zones = {{"15-1251.00", 4, "08/2018", "Analyst", 0},
                 {"15-1252.00", 4, "11/2021", "Analyst - Preliminary", 0},
                 {"29-1141.00", 3, "08/2022", "Analyst", 0}};
  t.anchors = {{"2.B.3.e", "Programming", "LV", 2, "Write a program to sort objects in a database", 0},
               {"2.B.3.e", "Programming", "LV", 4, "Write a statistical analysis program", 0},
               {"2.B.3.e", "Programming", "LV", 6, "Write programs to analyze geological data", 0}};
  t.technologies = {{"15-1251.00", "Python", 43232402, "Program development environment software", true, true, 0},
                    {"15-1252.00", "Python", 43232402, "Program development environment software", true, false, 0},
                    {"15-1252.00", "Git", 43232402, "Program development environment software", false, false, 0},
                    {"29-1141.00", "Epic Systems", 43231602, "Medical software", false, true, 0}};
  t.ete_categories = {{"2.D.1", "Required Level of Education", "RL", 1, "Less than a High School Diploma", 0},
                      {"2.D.1", "Required Level of Education", "RL", 2, "High School Diploma", 0},
                      {"2.D.1", "Required Level of Education", "RL", 3, "Bachelor's Degree", 0}};
  for (const auto& code : {"15-1251.00", "15-1252.00"}) {
    const bool full = std::string(code) == "15-1251.00";
    t.ete.push_back(ete_row(code, "2.D.1", "Required Level of Education", "RL", 1, 0.0, full));
    t.ete.push_back(ete_row(code, "2.D.1", "Required Level of Education", "RL", 2, 25.0, full));
    t.ete.push_back(ete_row(code, "2.D.1", "Required Level of Education", "RL", 3, 75.0, full));
    t.ete.push_back(ete_row(code, "2.D.4.a", "Job-Related Professional Certification", "IM", 0, 1.5, full));
  }
}

RatingRow rating(const std::string& code, const std::string& element, const std::string& name, const std::string& scale,
                 double value, bool full_stats) {
  RatingRow r;
  r.code = code;
  r.element_id = element;
  r.element_name = name;
  r.scale_id = scale;
  r.value = value;
  if (full_stats) {
    r.n = 8;
    r.standard_error = 0.125;
    r.lower_ci = value - 0.25;
    r.upper_ci = value + 0.25;
    r.recommend_suppress = 'N';
  }  // else: n/a statistics and flag, as O*NET's analyst rows sometimes have
  if (scale == "LV") r.not_relevant = value < 1.0 ? 'Y' : 'N';
  r.date = "08/2023";
  r.domain_source = full_stats ? "Analyst" : "Occupational Expert";
  return r;
}

Tables small_tables(const std::string& variant) {
  Tables t;
  t.occupations = {{"11-1011.00", "Chief Executives", "Determine and formulate policies.", 0},
                   {"15-1251.00", "Computer Programmers", "Create, modify, and test code.", 0},
                   {"15-1252.00", "Software Developers", "Research, design, and develop software.", 0},
                   {"29-1141.00", "Registered Nurses", "Assess patient health problems.", 0}};
  t.elements = {{"1.A", "Abilities", "Enduring attributes", 0},
                {"1.A.1.a.1", "Oral Comprehension", "Listen to and understand", 0},
                {"2.A", "Basic Skills", "Developed capacities", 0},
                {"2.A.1.a", "Reading Comprehension", "Understanding written sentences", 0},
                {"2.B.3.e", "Programming", "Writing computer programs", 0},
                {"2.C.3.a", "Computers and Electronics", "Knowledge of circuit boards", 0},
                {"4.A.1.a.1", "Getting Information", "Observing, receiving", 0}};
  t.scales = {{"IM", "Importance", 1, 5, 0}, {"LV", "Level", 0, 7, 0}};
  const std::vector<std::string> codes = {"11-1011.00", "15-1251.00", "29-1141.00"};
  double v = 2.0;
  for (const auto& code : codes) {
    bool full = code != "29-1141.00";
    for (const auto& [el, name] :
         std::vector<std::pair<std::string, std::string>>{{"2.A.1.a", "Reading Comprehension"}, {"2.B.3.e", "Programming"}}) {
      double im = v, lv = v + 0.5;
      if (code == "15-1251.00" && el == "2.B.3.e") im = 4.75, lv = 4.88;
      if (code == "11-1011.00" && el == "2.B.3.e") lv = 0.5;  // a "not relevant" LV row
      t.skills.push_back(rating(code, el, name, "IM", im, full));
      t.skills.push_back(rating(code, el, name, "LV", lv, full));
      v += 0.25;
    }
    t.knowledge.push_back(rating(code, "2.C.3.a", "Computers and Electronics", "IM", v, full));
    t.knowledge.push_back(rating(code, "2.C.3.a", "Computers and Electronics", "LV", v + 1, full));
  }
  t.skills[0].recommend_suppress = 'Y';

  if (variant == "v2") {
    auto drop = [](auto& rows) { std::erase_if(rows, [](const auto& r) { return r.code == "29-1141.00"; }); };
    drop(t.occupations);
    drop(t.skills);
    drop(t.knowledge);
    for (auto& r : t.skills)
      if (r.code == "15-1251.00" && r.element_id == "2.B.3.e" && r.scale_id == "IM") r.value = 4.50;
  } else if (variant == "v3") {
    t.skills.push_back(rating("15-1252.00", "2.B.3.e", "Programming", "IM", 3.0, true));
  } else if (variant == "llm") {
    for (auto& r : t.skills) {
      if (r.code != "15-1251.00") continue;
      r.llm_value = r.value + 0.125;
      r.refined_value = r.value + 0.0625;
    }
    auto only = rating("15-1252.00", "2.B.3.e", "Programming", "LV", 0.0, false);
    only.value_source = "llm";
    only.llm_value = 4.25;
    only.refined_value = 4.25;
    t.skills.push_back(only);
  } else if (variant == "orphan") {
    t.skills.push_back(rating("99-0000.00", "2.B.3.e", "Programming", "IM", 3.0, true));
  } else if (variant == "desc") {
    add_descriptive(t);
  } else if (variant == "desc_orphan") {
    add_descriptive(t);
    t.job_zones.push_back({"99-0000.00", 3, "08/2022", "Analyst", 0});
  }
  return t;
}

Tables large_tables() {
  Tables t;
  t.scales = {{"IM", "Importance", 1, 5, 0}, {"LV", "Level", 0, 7, 0}};
  for (int e = 0; e < 35; ++e) {
    t.elements.push_back(
        {"2.B.9." + std::to_string(e), "Skill " + std::to_string(e), "Synthetic skill number " + std::to_string(e), 0});
  }
  char code[32];  // room for any int: GCC -O1 cannot bound `o` (-Wformat-truncation)
  for (int o = 0; o < 300; ++o) {
    std::snprintf(code, sizeof code, "15-%04d.00", o);
    t.occupations.push_back({code, "Occupation " + std::to_string(o),
                             "A synthetic occupation with a description of ordinary length, "
                             "about as long as O*NET's own.",
                             0});
    for (int e = 0; e < 35; ++e) {
      double v = 1.0 + ((o * 7 + e * 3) % 40) / 10.0;
      t.skills.push_back(rating(code, t.elements[e].element_id, t.elements[e].element_name, "IM", v, true));
      t.skills.push_back(rating(code, t.elements[e].element_id, t.elements[e].element_name, "LV", v + 1, o % 5 != 0));
    }
  }
  return t;
}

template <class Row>
void number_lines(std::vector<Row>& rows) {
  std::uint32_t line = 2;  // line 1 is the header
  for (auto& r : rows) r.line = line++;
}

template <class Row>
void chunk(std::vector<dag::BatchPtr>& out, const std::string& table, std::vector<Row> rows, std::vector<Row> TableBatch::*member,
           std::size_t chunk_rows) {
  std::size_t i = 0;
  do {
    auto b = std::make_shared<TableBatch>();
    b->table = table;
    b->file = table + ".txt";
    std::size_t end = std::min(rows.size(), i + chunk_rows);
    ((*b).*member).assign(rows.begin() + static_cast<std::ptrdiff_t>(i), rows.begin() + static_cast<std::ptrdiff_t>(end));
    i = end;
    b->last = i >= rows.size();
    out.push_back(std::move(b));
  } while (i < rows.size());
}

class TestOnetSource final : public dag::Node {
 public:
  TestOnetSource(const dag::NodeContext& c, std::shared_ptr<TestHooks> hooks)
      : hooks_(std::move(hooks)),
        batches_(make_dataset(c.params.str("variant"), static_cast<std::size_t>(c.params.integer("chunk_rows")),
                              c.params.flag("ratings_first"))),
        delay_ms_(c.params.integer("delay_ms")),
        fail_after_(c.params.integer("fail_after")) {}

  bool produce(dag::Emitter& out) override {
    if (next_ >= batches_.size() || out.cancelled()) return false;
    if (fail_after_ >= 0 && next_ == static_cast<std::size_t>(fail_after_)) {
      throw std::runtime_error("test source fails on purpose before batch " + std::to_string(next_));
    }
    if (hooks_ && hooks_->before_emit) hooks_->before_emit(next_);
    auto t = std::dynamic_pointer_cast<const TableBatch>(batches_[next_]);
    if (delay_ms_ > 0 && t && !t->ratings.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
    }
    out.emit(batches_[next_++]);
    return next_ < batches_.size();
  }

 private:
  std::shared_ptr<TestHooks> hooks_;
  std::vector<dag::BatchPtr> batches_;
  std::size_t next_ = 0;
  std::int64_t delay_ms_, fail_after_;
};

class FailingSource final : public dag::Node {
 public:
  explicit FailingSource(std::int64_t delay_ms) : delay_ms_(delay_ms) {}
  bool produce(dag::Emitter&) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
    throw std::runtime_error("failing on purpose");
  }

 private:
  std::int64_t delay_ms_;
};

}  // namespace

std::vector<dag::BatchPtr> make_dataset(const std::string& variant, std::size_t chunk_rows, bool ratings_first) {
  static const std::vector<std::string> known = {"v1", "v2", "v3", "llm", "large", "orphan", "desc", "desc_orphan", "empty"};
  if (std::find(known.begin(), known.end(), variant) == known.end()) {
    throw std::invalid_argument("unknown test dataset variant '" + variant + "'");
  }
  std::vector<dag::BatchPtr> out;
  auto release = std::make_shared<onet::ReleaseBatch>();
  release->release = "test-" + variant;
  release->location = "memory:" + variant;
  release->checksum = "checksum-" + variant;
  out.push_back(release);
  if (variant == "empty") return out;

  Tables t = variant == "large" ? large_tables() : small_tables(variant);
  number_lines(t.occupations);
  number_lines(t.elements);
  number_lines(t.scales);
  number_lines(t.skills);
  number_lines(t.knowledge);
  auto ratings = [&] {
    chunk(out, "Skills", t.skills, &TableBatch::ratings, chunk_rows);
    chunk(out, "Knowledge", t.knowledge, &TableBatch::ratings, chunk_rows);
  };
  if (!t.tasks.empty()) {
    // Referring tables before the tables they point into (ETE Categories itself before Content
    // Model Reference), so sql_load has to hold them back and write them in the right order.
    number_lines(t.tasks);
    number_lines(t.alternate_titles);
    number_lines(t.reported_titles);
    number_lines(t.job_zone_reference);
    number_lines(t.job_zones);
    number_lines(t.anchors);
    number_lines(t.technologies);
    number_lines(t.ete_categories);
    number_lines(t.ete);
    chunk(out, "Education, Training, and Experience", t.ete, &TableBatch::ete, chunk_rows);
    chunk(out, "Job Zones", t.job_zones, &TableBatch::job_zones, chunk_rows);
    chunk(out, "Task Statements", t.tasks, &TableBatch::tasks, chunk_rows);
    chunk(out, "Alternate Titles", t.alternate_titles, &TableBatch::alternate_titles, chunk_rows);
    chunk(out, "Sample of Reported Titles", t.reported_titles, &TableBatch::reported_titles, chunk_rows);
    chunk(out, "Level Scale Anchors", t.anchors, &TableBatch::anchors, chunk_rows);
    chunk(out, "Technology Skills", t.technologies, &TableBatch::technologies, chunk_rows);
    chunk(out, "Education, Training, and Experience Categories", t.ete_categories, &TableBatch::ete_categories, chunk_rows);
    chunk(out, "Job Zone Reference", t.job_zone_reference, &TableBatch::job_zone_reference, chunk_rows);
  }
  if (ratings_first) ratings();
  chunk(out, "Occupation Data", t.occupations, &TableBatch::occupations, chunk_rows);
  chunk(out, "Content Model Reference", t.elements, &TableBatch::elements, chunk_rows);
  chunk(out, "Scales Reference", t.scales, &TableBatch::scales, chunk_rows);
  if (!ratings_first) ratings();
  return out;
}

Expected expected_counts(const std::string& variant) {
  if (variant == "v1") return {4, 7, 2, 18};
  if (variant == "v2") return {3, 7, 2, 12};
  if (variant == "v3" || variant == "llm") return {4, 7, 2, 19};
  if (variant == "large") return {300, 35, 2, 21000};
  if (variant == "desc") return {4, 9, 3, 18};
  throw std::invalid_argument("no expected counts for variant '" + variant + "'");
}

void register_test_nodes(dag::Registry& r, std::shared_ptr<TestHooks> hooks) {
  using dag::ParamSpec;
  r.add(dag::NodeSpec("test_onet_source")
            .describe("Hand-made O*NET batches (tests)")
            .param(ParamSpec::str("variant").def("v1"))
            .param(ParamSpec::integer("chunk_rows").def("1000").range(1, std::nullopt))
            .param(ParamSpec::integer("delay_ms").def("0"))
            .param(ParamSpec::flag("ratings_first").def("false"))
            .param(ParamSpec::integer("fail_after").def("-1"))
            .output("out", "onet"),
        [hooks](const dag::NodeContext& c) { return std::make_unique<TestOnetSource>(c, hooks); });
  r.add(dag::NodeSpec("test_failing_source")
            .describe("Fails after a delay (tests)")
            .param(ParamSpec::integer("delay_ms").def("0"))
            .output("out", "any"),
        [](const dag::NodeContext& c) { return std::make_unique<FailingSource>(c.params.integer("delay_ms")); });
}

std::unique_ptr<dag::Registry> make_registry(std::shared_ptr<TestHooks> hooks) {
  auto r = std::make_unique<dag::Registry>();
  dag::register_engine_nodes(*r);
  dag::register_sql_nodes(*r);
  dag::register_estimate_nodes(*r);  // text_estimate sits in the pipelines
  register_test_nodes(*r, std::move(hooks));
  return r;
}

}  // namespace sqltest
