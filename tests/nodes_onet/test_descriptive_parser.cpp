// The reader on the nine descriptive tables (tasks, titles, job zones, anchors, technologies,
// education): typed rows from the fixture, n/a, CRLF and LF, and the exact errors of bad headers,
// bad fields and cut files.
#include <catch2/catch.hpp>

#include "nodes/onet/table_parser.hpp"
#include "nodes/onet/table_shapes.hpp"
#include "onet_test_util.hpp"

using namespace onet;
using testing_support::read_file;

namespace {

std::shared_ptr<TableBatch> fixture(const std::string& table) {
  return parse_table(read_file(onettest::fixture_dir() / file_name_of(table)), table);
}

std::string parse_error(const std::string& content, const std::string& table) {
  try {
    parse_table(content, table);
  } catch (const ParseError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string header_of(const std::string& table) {
  std::string h;
  for (auto c : columns(*shape_of(table))) h += (h.empty() ? "" : "\t") + std::string(c);
  return h;
}

const std::vector<std::string> kTables = {"Task Statements",
                                          "Alternate Titles",
                                          "Sample of Reported Titles",
                                          "Job Zone Reference",
                                          "Job Zones",
                                          "Level Scale Anchors",
                                          "Technology Skills",
                                          "Education, Training, and Experience Categories",
                                          "Education, Training, and Experience"};

}  // namespace

TEST_CASE("descriptive tables: the fixture parses into typed rows", "[onet][parser]") {
  SECTION("Task Statements") {
    auto t = fixture("Task Statements");
    REQUIRE(t->tasks.size() == 12);
    CHECK(t->file == "Task Statements.txt");
    const TaskRow& first = t->tasks.front();
    CHECK(first.code == "11-9901.00");
    CHECK(first.task_id == 90001);
    CHECK(first.task == "Schedule the nightly lighting of harbor lanterns.");
    CHECK(first.task_type == "Core");
    CHECK(first.incumbents_responding == 31.0);
    CHECK(first.date == "08/2024");
    CHECK(first.domain_source == "Incumbent");
    CHECK(first.line == 2);
    CHECK(t->tasks[2].task_type == "Supplemental");
    const TaskRow& unrated = t->tasks[9];  // 17-9901.00: Task Type and Incumbents Responding n/a
    CHECK(unrated.task_id == 90041);
    CHECK_FALSE(unrated.task_type.has_value());
    CHECK_FALSE(unrated.incumbents_responding.has_value());
    CHECK(t->tasks.back().domain_source == "Analyst");  // no '\r' from CRLF
  }
  SECTION("Alternate Titles") {
    auto t = fixture("Alternate Titles");
    REQUIRE(t->alternate_titles.size() == 12);
    CHECK(t->alternate_titles[0].title == "Lantern Director");
    CHECK_FALSE(t->alternate_titles[0].short_title.has_value());
    CHECK(t->alternate_titles[1].short_title == "CLO");
    CHECK(t->alternate_titles[1].sources == "04,06");
    CHECK(t->alternate_titles.back().sources == "04");
  }
  SECTION("Sample of Reported Titles") {
    auto t = fixture("Sample of Reported Titles");
    REQUIRE(t->reported_titles.size() == 7);
    CHECK(t->reported_titles[0].title == "Head Lamplighter");
    CHECK(t->reported_titles[0].shown_in_my_next_move);
    CHECK_FALSE(t->reported_titles[1].shown_in_my_next_move);
    CHECK(t->reported_titles.back().line == 8);
  }
  SECTION("Job Zone Reference and Job Zones") {
    auto r = fixture("Job Zone Reference");
    REQUIRE(r->job_zone_reference.size() == 5);
    const JobZoneReferenceRow& one = r->job_zone_reference.front();
    CHECK(one.job_zone == 1);
    CHECK(one.name == "Job Zone One: Hardly Any Preparation");
    CHECK(one.experience == "No earlier work experience is needed.");
    CHECK(one.education == "Some of these jobs may ask for a school certificate.");
    CHECK(one.job_training == "A few days of training on the job.");
    CHECK(one.examples == "Moat diggers, lantern wipers.");
    CHECK(one.svp_range == "(Below 4.0)");
    auto z = fixture("Job Zones");
    REQUIRE(z->job_zones.size() == 7);
    CHECK(z->job_zones[0].code == "11-9901.00");
    CHECK(z->job_zones[0].job_zone == 5);
    CHECK(z->job_zones[5].domain_source == "Analyst - Preliminary");
  }
  SECTION("Level Scale Anchors") {
    auto t = fixture("Level Scale Anchors");
    REQUIRE(t->anchors.size() == 9);
    const AnchorRow& a = t->anchors[3];
    CHECK(a.element_id == "2.B.3.e");
    CHECK(a.element_name == "Programming");
    CHECK(a.scale_id == "LV");
    CHECK(a.anchor_value == 2.0);
    CHECK(a.description == "Write a formula that adds two spreadsheet cells");
  }
  SECTION("Technology Skills") {
    auto t = fixture("Technology Skills");
    REQUIRE(t->technologies.size() == 12);
    const TechnologyRow& first = t->technologies.front();
    CHECK(first.code == "11-9901.00");
    CHECK(first.example == "LanternPlan");
    CHECK(first.commodity_code == 43231501);
    CHECK(first.commodity_title == "Project planning software");
    CHECK_FALSE(first.hot);
    CHECK_FALSE(first.in_demand);
    CHECK(t->technologies[4].example == "QuantumCalc");
    CHECK(t->technologies[4].hot);
    CHECK(t->technologies[4].in_demand);
  }
  SECTION("Education, Training, and Experience (and its Categories)") {
    auto c = fixture("Education, Training, and Experience Categories");
    REQUIRE(c->ete_categories.size() == 6);
    CHECK(c->ete_categories[4].element_id == "2.D.1");
    CHECK(c->ete_categories[4].scale_id == "RL");
    CHECK(c->ete_categories[4].category == 5);
    CHECK(c->ete_categories[4].description == "Bachelor's degree");
    auto t = fixture("Education, Training, and Experience");
    REQUIRE(t->ete.size() == 21);
    const EteRow& bachelor = t->ete[4];  // 11-9901.00 RL category 5
    CHECK(bachelor.code == "11-9901.00");
    CHECK(bachelor.element_name == "Required Level of Education");
    CHECK(bachelor.category == 5);
    CHECK(bachelor.value == 58.1);
    CHECK(bachelor.n == 31);
    CHECK(bachelor.standard_error == 4.5);
    CHECK(bachelor.lower_ci == 49.1);
    CHECK(bachelor.upper_ci == 67.1);
    CHECK(bachelor.recommend_suppress == 'N');
    const EteRow& im = t->ete[6];  // the IM row: Category n/a
    CHECK(im.element_id == "2.D.4.a");
    CHECK(im.scale_id == "IM");
    CHECK(im.category == 0);
    CHECK(im.value == 2.1);
    const EteRow& expert = t->ete.back();  // Occupational Expert: no statistics
    CHECK(expert.n == 5);
    CHECK_FALSE(expert.standard_error.has_value());
    CHECK_FALSE(expert.lower_ci.has_value());
    CHECK_FALSE(expert.upper_ci.has_value());
    CHECK_FALSE(expert.recommend_suppress.has_value());
    CHECK(expert.domain_source == "Occupational Expert");
  }
}

TEST_CASE("descriptive tables: LF and CRLF files give the same rows", "[onet][parser]") {
  for (const auto& table : kTables) {
    INFO(table);
    const std::string crlf = read_file(onettest::fixture_dir() / file_name_of(table));
    REQUIRE(crlf.find("\r\n") != std::string::npos);  // the fixture is CRLF, as O*NET ships
    std::string lf;
    for (char c : crlf) {
      if (c != '\r') lf += c;
    }
    auto a = parse_table(crlf, table);
    auto b = parse_table(lf, table);
    REQUIRE(a->rows() > 0);
    CHECK(a->rows() == b->rows());
    CHECK(a->rejects.empty());
    // The last column of the last line is where a stray '\r' would show.
    std::string last_a = crlf.substr(crlf.rfind('\t', crlf.size() - 3) + 1);
    CHECK(last_a.find('\r') == last_a.size() - 2);
    // Cutting the final CRLF keeps a complete last line.
    auto open_end = parse_table(crlf.substr(0, crlf.size() - 2), table);
    CHECK(open_end->rows() == a->rows());
  }
}

TEST_CASE("descriptive tables: a changed header or a cut last line is refused at file:line", "[onet][parser]") {
  for (const auto& table : kTables) {
    INFO(table);
    const std::string content = read_file(onettest::fixture_dir() / file_name_of(table));
    const auto& cols = columns(*shape_of(table));
    const std::string file = file_name_of(table);
    // Renamed last column.
    std::string renamed = content;
    const std::string last(cols.back());
    renamed.replace(renamed.find(last + "\r\n"), last.size(), "Renamed");
    CHECK(parse_error(renamed, table) ==
          file + ":1: header column " + std::to_string(cols.size()) + " is 'Renamed', expected '" + last + "'");
    // A column too many.
    std::string extra = content;
    extra.insert(extra.find("\r\n"), "\tExtra");
    CHECK(parse_error(extra, table) == file + ":1: header has unexpected column " + std::to_string(cols.size() + 1) +
                                           " 'Extra' (" + std::to_string(cols.size() + 1) + " columns, expected " +
                                           std::to_string(cols.size()) + ")");
    // The file cut inside its last line (after the first field).
    const std::size_t last_line = content.rfind("\r\n", content.size() - 3) + 2;
    const std::string cut = content.substr(0, content.find('\t', last_line));
    std::size_t lines = 0;
    for (char c : content) lines += c == '\n';
    CHECK(parse_error(cut, table) == file + ":" + std::to_string(lines) + ": truncated last line: 1 of " +
                                         std::to_string(cols.size()) + " fields and no line ending (file cut short?)");
  }
}

TEST_CASE("descriptive tables: bad fields give exact errors", "[onet][parser]") {
  struct Case {
    std::string table, row, error;
  };
  const std::vector<Case> cases = {
      {"Task Statements", "11-9901.00\tx1\tA task.\tCore\t3\t08/2024\tIncumbent",
       "Task Statements.txt:2: column 'Task ID': 'x1' is not an integer"},
      {"Task Statements", "11-9901.00\t1\tA task.\tOptional\t3\t08/2024\tIncumbent",
       "Task Statements.txt:2: column 'Task Type': 'Optional' is not Core, Supplemental or n/a"},
      {"Task Statements", "11-9901.00\t1\tA task.\tCore\tmany\t08/2024\tIncumbent",
       "Task Statements.txt:2: column 'Incumbents Responding': 'many' is not a number"},
      {"Task Statements", "11-9901.00\tn/a\tA task.\tCore\t3\t08/2024\tIncumbent",
       "Task Statements.txt:2: column 'Task ID' is n/a but a value is required"},
      {"Alternate Titles", "11-9901.00\tLamp Boss\t04", "Alternate Titles.txt:2: wrong field count: 3 fields, expected 4"},
      {"Sample of Reported Titles", "11-9901.00\tLamp Boss\tmaybe",
       "Sample of Reported Titles.txt:2: column 'Shown in My Next Move': 'maybe' is not Y or N"},
      {"Sample of Reported Titles", "11-9901.00\tLamp Boss\tn/a",
       "Sample of Reported Titles.txt:2: column 'Shown in My Next Move': 'n/a' is not Y or N"},
      {"Job Zones", "11-9901.00\tn/a\t08/2024\tAnalyst", "Job Zones.txt:2: column 'Job Zone' is n/a but a value is required"},
      {"Job Zones", "11-9901.00\t2.5\t08/2024\tAnalyst", "Job Zones.txt:2: column 'Job Zone': '2.5' is not an integer"},
      {"Job Zone Reference", "one\tJob Zone One\ta\tb\tc\td\t(Below 4.0)",
       "Job Zone Reference.txt:2: column 'Job Zone': 'one' is not an integer"},
      {"Level Scale Anchors", "2.B.3.e\tProgramming\tLV\thigh\tWrite code",
       "Level Scale Anchors.txt:2: column 'Anchor Value': 'high' is not a number"},
      {"Technology Skills", "11-9901.00\tLanternPlan\t4323x\tProject planning software\tN\tN",
       "Technology Skills.txt:2: column 'Commodity Code': '4323x' is not an integer"},
      {"Technology Skills", "11-9901.00\tLanternPlan\t43231501\tProject planning software\tn/a\tN",
       "Technology Skills.txt:2: column 'Hot Technology': 'n/a' is not Y or N"},
      {"Technology Skills", "11-9901.00\tLanternPlan\t43231501\tProject planning software\tN\tyes",
       "Technology Skills.txt:2: column 'In Demand': 'yes' is not Y or N"},
      {"Education, Training, and Experience",
       "11-9901.00\t2.D.1\tRequired Level of Education\tRL\t0\t1.00\t8\t1.0\t0\t3\tN\t08/2024\tIncumbent",
       "Education, Training, and Experience.txt:2: column 'Category': '0' is not a positive integer or n/a"},
      {"Education, Training, and Experience",
       "11-9901.00\t2.D.1\tRequired Level of Education\tRL\t2\tn/a\t8\t1.0\t0\t3\tN\t08/2024\tIncumbent",
       "Education, Training, and Experience.txt:2: column 'Data Value' is n/a but a value is required"},
      {"Education, Training, and Experience",
       "11-9901.00\t2.D.1\tRequired Level of Education\tRL\t2\t1.00\t8\t1.0\t0\t3\tX\t08/2024\tIncumbent",
       "Education, Training, and Experience.txt:2: column 'Recommend Suppress': 'X' is not Y, N or n/a"},
      {"Education, Training, and Experience Categories", "2.D.1\tRequired Level of Education\tRL\tn/a\tNone",
       "Education, Training, and Experience Categories.txt:2: column 'Category' is n/a but a value is required"},
  };
  for (const auto& c : cases) {
    INFO(c.table << ": " << c.row);
    const std::string content = header_of(c.table) + "\r\n" + c.row + "\r\n";
    CHECK(parse_error(content, c.table) == c.error);
    // Under Collect the row is a reject with its key, and nothing is thrown.
    auto b = parse_table(content, c.table, OnBadRow::Collect);
    CHECK(b->rows() == 0);
    REQUIRE(b->rejects.size() == 1);
    CHECK(b->rejects[0].str() == c.error);
    CHECK_FALSE(b->rejects[0].key.empty());
  }
}
