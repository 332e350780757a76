// onet_validate's checks of the nine descriptive tables, driven directly: each check's exact
// file:line message, what is kept, and that a table waits for the tables it points into.
#include <catch2/catch.hpp>

#include "nodes/onet/table_parser.hpp"
#include "nodes/onet/table_shapes.hpp"
#include "nodes/onet/validator.hpp"
#include "onet_test_util.hpp"

using namespace onet;
using testing_support::read_file;
using V = std::vector<std::string>;

namespace {

std::shared_ptr<const TableBatch> fixture(const std::string& table) {
  return parse_table(read_file(onettest::fixture_dir() / file_name_of(table)), table);
}

std::string header_of(const std::string& table) {
  std::string h;
  for (auto c : columns(*shape_of(table))) h += (h.empty() ? "" : "\t") + std::string(c);
  return h + "\r\n";
}

// Every reference table of the fixture but `except`, checked (and so remembered) by `v`.
void load_references(Validator& v, const std::string& except = "") {
  for (auto t : {"Occupation Data", "Content Model Reference", "Scales Reference", "Job Zone Reference",
                 "Education, Training, and Experience Categories"}) {
    if (t == except) continue;
    auto r = v.check(fixture(t));
    REQUIRE(r.problems.empty());
  }
}

struct Checked {
  V problems;
  std::size_t kept = 0;
};

// `table` made of `rows` (after its header), checked against the fixture's references.
Checked check(const std::string& table, const V& rows) {
  Validator v;
  load_references(v, table);
  std::string content = header_of(table);
  for (const auto& r : rows) content += r + "\r\n";
  auto in = parse_table(content, table);
  auto result = v.check(in);
  Checked c;
  for (const auto& p : result.problems) c.problems.push_back(p.str());
  c.kept = result.kept->rows();
  if (c.problems.empty()) CHECK(result.kept == in);  // clean: the same batch, no copy
  return c;
}

std::string ete(const std::string& code, const std::string& element, const std::string& name, const std::string& scale,
                const std::string& category, const std::string& value) {
  return code + "\t" + element + "\t" + name + "\t" + scale + "\t" + category + "\t" + value +
         "\t8\t1.0000\t0.0000\t3.0000\tN\t08/2024\tIncumbent";
}

}  // namespace

TEST_CASE("descriptive tables: the fixture passes every check", "[onet][validate]") {
  Validator v;
  load_references(v);
  for (auto t : {"Task Statements", "Alternate Titles", "Sample of Reported Titles", "Job Zones", "Level Scale Anchors",
                 "Technology Skills", "Education, Training, and Experience"}) {
    INFO(t);
    auto in = fixture(t);
    auto r = v.check(in);
    CHECK(r.problems.empty());
    CHECK(r.kept == in);
  }
}

TEST_CASE("descriptive tables wait for the tables their rows point into", "[onet][validate]") {
  Validator v;
  CHECK(v.ready("Job Zone Reference"));
  CHECK(v.missing_references("Job Zones") == V{"Occupation Data", "Job Zone Reference"});
  CHECK(v.missing_references("Level Scale Anchors") == V{"Content Model Reference", "Scales Reference"});
  CHECK(v.missing_references("Education, Training, and Experience") ==
        V{"Occupation Data", "Content Model Reference", "Scales Reference", "Education, Training, and Experience Categories"});
  v.check(fixture("Occupation Data"));
  CHECK(v.ready("Task Statements"));
  CHECK(v.ready("Technology Skills"));
  CHECK_FALSE(v.ready("Job Zones"));
  CHECK_THROWS_AS(v.check(fixture("Job Zones")), std::logic_error);
  v.check(fixture("Job Zone Reference"));
  CHECK(v.ready("Job Zones"));
  v.check(fixture("Content Model Reference"));
  v.check(fixture("Scales Reference"));
  CHECK_FALSE(v.ready("Education, Training, and Experience"));
  CHECK_THROWS_AS(v.check(fixture("Education, Training, and Experience")), std::logic_error);
  v.check(fixture("Education, Training, and Experience Categories"));
  CHECK(v.missing_references("Education, Training, and Experience").empty());
  CHECK(v.check(fixture("Education, Training, and Experience")).problems.empty());
}

TEST_CASE("descriptive tables: each check reports file:line and reason", "[onet][validate]") {
  struct Case {
    std::string name, table;
    V rows, problems;
    std::size_t kept;
  };
  const std::string task = "\tA task.\tCore\t5\t08/2024\tIncumbent";
  const std::string rl = "Required Level of Education";
  const std::vector<Case> cases = {
      {"task: unknown occupation",
       "Task Statements",
       {"15-9999.00\t1" + task},
       {"Task Statements.txt:2: occupation code '15-9999.00' is not in Occupation Data"},
       0},
      {"task: malformed code",
       "Task Statements",
       {"15-99.00\t1" + task},
       {"Task Statements.txt:2: malformed O*NET-SOC code '15-99.00' (expected NN-NNNN.NN)"},
       0},
      {"task: id not positive",
       "Task Statements",
       {"15-9901.00\t0" + task},
       {"Task Statements.txt:2: Task ID 0 is not positive"},
       0},
      {"task: empty",
       "Task Statements",
       {"15-9901.00\t7\t\tCore\t5\t08/2024\tIncumbent"},
       {"Task Statements.txt:2: empty Task"},
       0},
      {"task: negative incumbents",
       "Task Statements",
       {"15-9901.00\t7\tA task.\tCore\t-1\t08/2024\tIncumbent"},
       {"Task Statements.txt:2: Incumbents Responding -1 is negative"},
       0},
      {"task: duplicate id across occupations",
       "Task Statements",
       {"15-9901.00\t7" + task, "11-9901.00\t8" + task, "11-9902.00\t7" + task},
       {"Task Statements.txt:4: duplicate Task ID 7 (first at line 2)"},
       2},
      {"alternate title: unknown occupation",
       "Alternate Titles",
       {"15-9999.00\tGhost\tn/a\t04"},
       {"Alternate Titles.txt:2: occupation code '15-9999.00' is not in Occupation Data"},
       0},
      {"alternate title: empty",
       "Alternate Titles",
       {"15-9901.00\t\tn/a\t04"},
       {"Alternate Titles.txt:2: empty Alternate Title"},
       0},
      {"alternate title: duplicate (short title n/a twice)",
       "Alternate Titles",
       {"15-9901.00\tCell Wizard\tn/a\t04", "15-9901.00\tCell Wizard\tCW\t04", "15-9901.00\tCell Wizard\tn/a\t08"},
       {"Alternate Titles.txt:4: duplicate (15-9901.00, Cell Wizard, n/a) (first at line 2)"},
       2},
      {"alternate title: the same title for another occupation is fine",
       "Alternate Titles",
       {"15-9901.00\tCell Wizard\tn/a\t04", "15-9902.00\tCell Wizard\tn/a\t04"},
       {},
       2},
      {"reported title: unknown occupation",
       "Sample of Reported Titles",
       {"99-9999.00\tGhost\tY"},
       {"Sample of Reported Titles.txt:2: occupation code '99-9999.00' is not in Occupation Data"},
       0},
      {"reported title: empty",
       "Sample of Reported Titles",
       {"15-9901.00\t\tY"},
       {"Sample of Reported Titles.txt:2: empty Reported Job Title"},
       0},
      {"reported title: duplicate",
       "Sample of Reported Titles",
       {"15-9901.00\tCoder\tY", "15-9901.00\tCoder\tN"},
       {"Sample of Reported Titles.txt:3: duplicate (15-9901.00, Coder) (first at line 2)"},
       1},
      {"job zone: unknown occupation",
       "Job Zones",
       {"15-9999.00\t3\t08/2024\tAnalyst"},
       {"Job Zones.txt:2: occupation code '15-9999.00' is not in Occupation Data"},
       0},
      {"job zone: not in Job Zone Reference",
       "Job Zones",
       {"15-9901.00\t6\t08/2024\tAnalyst"},
       {"Job Zones.txt:2: job zone 6 is not in Job Zone Reference"},
       0},
      {"job zone: duplicate occupation",
       "Job Zones",
       {"15-9901.00\t3\t08/2024\tAnalyst", "15-9901.00\t4\t08/2024\tAnalyst"},
       {"Job Zones.txt:3: duplicate O*NET-SOC code '15-9901.00' (first at line 2)"},
       1},
      {"anchor: unknown element",
       "Level Scale Anchors",
       {"2.B.9.z\tNothing\tLV\t2\tDo nothing"},
       {"Level Scale Anchors.txt:2: element '2.B.9.z' is not in Content Model Reference"},
       0},
      {"anchor: element name",
       "Level Scale Anchors",
       {"2.B.3.e\tCoding\tLV\t2\tWrite code"},
       {"Level Scale Anchors.txt:2: element name 'Coding' does not match Content Model Reference 'Programming' for 2.B.3.e"},
       0},
      {"anchor: unknown scale",
       "Level Scale Anchors",
       {"2.B.3.e\tProgramming\tXX\t2\tWrite code"},
       {"Level Scale Anchors.txt:2: scale 'XX' is not in Scales Reference"},
       0},
      {"anchor: value outside the scale",
       "Level Scale Anchors",
       {"2.B.3.e\tProgramming\tLV\t7.5\tWrite code"},
       {"Level Scale Anchors.txt:2: value 7.5 is outside scale 'LV' range [0, 7]"},
       0},
      {"anchor: duplicate",
       "Level Scale Anchors",
       {"2.B.3.e\tProgramming\tLV\t2\tWrite code", "2.B.3.e\tProgramming\tLV\t2.0\tWrite more code"},
       {"Level Scale Anchors.txt:3: duplicate (2.B.3.e, LV, 2) (first at line 2)"},
       1},
      {"technology: unknown occupation",
       "Technology Skills",
       {"15-9999.00\tCalc\t43232110\tSpreadsheet software\tY\tN"},
       {"Technology Skills.txt:2: occupation code '15-9999.00' is not in Occupation Data"},
       0},
      {"technology: commodity code",
       "Technology Skills",
       {"15-9901.00\tCalc\t4323211\tSpreadsheet software\tY\tN"},
       {"Technology Skills.txt:2: commodity code 4323211 is not an 8-digit UNSPSC code"},
       0},
      {"technology: empty example",
       "Technology Skills",
       {"15-9901.00\t\t43232110\tSpreadsheet software\tY\tN"},
       {"Technology Skills.txt:2: empty Example"},
       0},
      {"technology: one commodity, two titles",
       "Technology Skills",
       {"15-9901.00\tCalc\t43232110\tSpreadsheet software\tY\tN", "15-9902.00\tCalc\t43232110\tSheets\tY\tN"},
       {"Technology Skills.txt:3: commodity 43232110 is titled 'Sheets' here but 'Spreadsheet software' at line 2"},
       1},
      {"technology: duplicate",
       "Technology Skills",
       {"15-9901.00\tCalc\t43232110\tSpreadsheet software\tY\tN", "15-9901.00\tCalc\t43232110\tSpreadsheet software\tN\tN"},
       {"Technology Skills.txt:3: duplicate (15-9901.00, 43232110, Calc) (first at line 2)"},
       1},
      {"ETE category: unknown element",
       "Education, Training, and Experience Categories",
       {"3.A.1\tRelated Work Experience\tRW\t1\tNone"},
       {"Education, Training, and Experience Categories.txt:2: element '3.A.1' is not in Content Model Reference"},
       0},
      {"ETE category: unknown scale",
       "Education, Training, and Experience Categories",
       {"2.D.1\t" + rl + "\tRW\t1\tNone"},
       {"Education, Training, and Experience Categories.txt:2: scale 'RW' is not in Scales Reference"},
       0},
      {"ETE category: not positive",
       "Education, Training, and Experience Categories",
       {"2.D.1\t" + rl + "\tRL\t0\tNone"},
       {"Education, Training, and Experience Categories.txt:2: category 0 is not positive"},
       0},
      {"ETE category: duplicate",
       "Education, Training, and Experience Categories",
       {"2.D.1\t" + rl + "\tRL\t1\tNone", "2.D.1\t" + rl + "\tRL\t1\tStill none"},
       {"Education, Training, and Experience Categories.txt:3: duplicate (2.D.1, RL, 1) (first at line 2)"},
       1},
      {"ETE: unknown occupation",
       "Education, Training, and Experience",
       {ete("15-9999.00", "2.D.1", rl, "RL", "1", "10.00")},
       {"Education, Training, and Experience.txt:2: occupation code '15-9999.00' is not in Occupation Data"},
       0},
      {"ETE: element name",
       "Education, Training, and Experience",
       {ete("15-9901.00", "2.D.1", "Schooling", "RL", "1", "10.00")},
       {"Education, Training, and Experience.txt:2: element name 'Schooling' does not match Content Model Reference "
        "'Required Level of Education' for 2.D.1"},
       0},
      {"ETE: category not in the categories",
       "Education, Training, and Experience",
       {ete("15-9901.00", "2.D.1", rl, "RL", "9", "10.00")},
       {"Education, Training, and Experience.txt:2: category 9 of (2.D.1, RL) is not in Education, Training, and "
        "Experience Categories"},
       0},
      {"ETE: category n/a on a category scale",
       "Education, Training, and Experience",
       {ete("15-9901.00", "2.D.1", rl, "RL", "n/a", "10.00")},
       {"Education, Training, and Experience.txt:2: category n/a, but (2.D.1, RL) has categories in Education, Training, "
        "and Experience Categories"},
       0},
      {"ETE: value outside the scale",
       "Education, Training, and Experience",
       {ete("15-9901.00", "2.D.1", rl, "RL", "2", "100.50"),
        ete("15-9901.00", "2.D.4.a", "Job-Related Professional Certification", "IM", "n/a", "0.50")},
       {"Education, Training, and Experience.txt:2: value 100.5 is outside scale 'RL' range [0, 100]",
        "Education, Training, and Experience.txt:3: value 0.5 is outside scale 'IM' range [1, 5]"},
       0},
      {"ETE: duplicate, with and without a category",
       "Education, Training, and Experience",
       {ete("15-9901.00", "2.D.1", rl, "RL", "2", "10.00"), ete("15-9901.00", "2.D.1", rl, "RL", "3", "10.00"),
        ete("15-9901.00", "2.D.1", rl, "RL", "2", "20.00"),
        ete("15-9901.00", "2.D.4.a", "Job-Related Professional Certification", "IM", "n/a", "2.00"),
        ete("15-9901.00", "2.D.4.a", "Job-Related Professional Certification", "IM", "n/a", "3.00")},
       {"Education, Training, and Experience.txt:4: duplicate (15-9901.00, 2.D.1, RL, 2) (first at line 2)",
        "Education, Training, and Experience.txt:6: duplicate (15-9901.00, 2.D.4.a, IM, n/a) (first at line 5)"},
       3},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = check(c.table, c.rows);
    CHECK(r.problems == c.problems);
    CHECK(r.kept == c.kept);
  }
}

TEST_CASE("descriptive reference tables are checked too", "[onet][validate]") {
  Validator v;
  auto jzr = v.check(parse_table(header_of("Job Zone Reference") +
                                     "1\tOne\ta\tb\tc\td\te\r\n1\tAgain\ta\tb\tc\td\te\r\n6\tSix\ta\tb\tc\td\te\r\n"
                                     "2\t\ta\tb\tc\td\te\r\n",
                                 "Job Zone Reference"));
  CHECK(jzr.kept->rows() == 1);
  REQUIRE(jzr.problems.size() == 3);
  CHECK(jzr.problems[0].str() == "Job Zone Reference.txt:3: duplicate job zone 1 (first at line 2)");
  CHECK(jzr.problems[1].str() == "Job Zone Reference.txt:4: job zone 6 is outside 1..5");
  CHECK(jzr.problems[2].str() == "Job Zone Reference.txt:5: empty Name");
  // Zone 2 was dropped, so an occupation in zone 2 is refused too: the loaded data keeps its keys.
  v.check(fixture("Occupation Data"));
  auto jz = v.check(parse_table(header_of("Job Zones") + "15-9901.00\t2\t08/2024\tAnalyst\r\n", "Job Zones"));
  REQUIRE(jz.problems.size() == 1);
  CHECK(jz.problems[0].str() == "Job Zones.txt:2: job zone 2 is not in Job Zone Reference");
  CHECK(jz.problems[0].key == "15-9901.00");
}
