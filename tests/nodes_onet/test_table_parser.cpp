// The O*NET table reader on its own: typed values, line endings, BOM, n/a, and every
// file-level and row-level error with its exact message.
#include <catch2/catch.hpp>

#include "nodes/onet/table_parser.hpp"
#include "onet_test_util.hpp"

using namespace onet;
using testing_support::read_file;

namespace {

const std::string kHeader =
    "O*NET-SOC Code\tElement ID\tElement Name\tScale ID\tData Value\tN\tStandard Error\tLower CI Bound\t"
    "Upper CI Bound\tRecommend Suppress\tNot Relevant\tDate\tDomain Source";
const std::string kRow1 =
    "11-9901.00\t2.A.1.a\tReading Comprehension\tIM\t3.36\t28\t0.1654\t3.0358\t3.6842\tN\tn/a\t08/2024\tAnalyst";
const std::string kRow2 =
    "11-9901.00\t2.A.1.a\tReading Comprehension\tLV\t3.53\t28\t0.4209\t2.7050\t4.3550\tN\tN\t08/2024\tAnalyst";
const std::string kRow3 = "11-9901.00\t2.A.1.b\tActive Listening\tIM\t2.84\t8\t0.0915\t2.6607\t3.0193\tY\tn/a\t08/2024\tAnalyst";

std::string lines(const std::vector<std::string>& ls, const std::string& eol = "\r\n") {
  std::string s;
  for (const auto& l : ls) s += l + eol;
  return s;
}

std::string parse_error(const std::string& content, const std::string& table = "Skills") {
  try {
    parse_table(content, table);
  } catch (const ParseError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string fixture(const std::string& file) { return read_file(onettest::fixture_dir() / file); }

}  // namespace

TEST_CASE("fixture tables parse into typed rows", "[onet][parser]") {
  auto skills = parse_table(fixture("Skills.txt"), "Skills");
  REQUIRE(skills->ratings.size() == 96);
  CHECK(skills->table == "Skills");
  CHECK(skills->file == "Skills.txt");
  CHECK(skills->last);
  CHECK(skills->rejects.empty());
  const RatingRow& first = skills->ratings.front();
  CHECK(first.code == "11-9901.00");
  CHECK(first.element_id == "2.A.1.a");
  CHECK(first.element_name == "Reading Comprehension");
  CHECK(first.scale_id == "IM");
  CHECK(first.value == Approx(3.36));
  CHECK(first.n == 28);
  CHECK(first.standard_error == Approx(0.1654));
  CHECK(first.lower_ci == Approx(3.0358));
  CHECK(first.upper_ci == Approx(3.6842));
  CHECK(first.recommend_suppress == 'N');
  CHECK_FALSE(first.not_relevant.has_value());  // n/a on IM rows
  CHECK(first.date == "08/2024");
  CHECK(first.domain_source == "Analyst");  // no trailing '\r' from CRLF
  CHECK(first.line == 2);
  CHECK(skills->ratings.back().line == 97);

  int suppressed = 0, not_relevant = 0;
  for (const auto& r : skills->ratings) {
    suppressed += r.recommend_suppress == 'Y';
    not_relevant += r.not_relevant == 'Y';
    if (r.code == "15-9901.00" && r.element_id == "2.B.3.e") CHECK(r.value == (r.scale_id == "IM" ? 4.75 : 5.12));
  }
  CHECK(suppressed == 1);
  CHECK(not_relevant == 2);

  auto occ = parse_table(fixture("Occupation Data.txt"), "Occupation Data");
  REQUIRE(occ->occupations.size() == 8);
  CHECK(occ->occupations[2].code == "15-9901.00");
  CHECK(occ->occupations[2].title == "Quantum Spreadsheet Developers");
  CHECK(occ->occupations.back().description.back() == '.');

  auto cmr = parse_table(fixture("Content Model Reference.txt"), "Content Model Reference");
  REQUIRE(cmr->elements.size() == 29);
  CHECK(cmr->elements[3].element_id == "2.A.1.a");
  CHECK(cmr->elements[3].description == "Understanding written sentences and paragraphs in work-related documents.");

  auto scales = parse_table(fixture("Scales Reference.txt"), "Scales Reference");
  REQUIRE(scales->scales.size() == 7);
  CHECK(scales->scales[3].scale_id == "LV");
  CHECK(scales->scales[3].scale_name == "Level");
  CHECK(scales->scales[3].minimum == 0);
  CHECK(scales->scales[3].maximum == 7);
}

TEST_CASE("n/a is NULL in the optional rating columns", "[onet][parser]") {
  auto kn = parse_table(fixture("Knowledge.txt"), "Knowledge");
  REQUIRE(kn->ratings.size() == 40);
  const RatingRow& expert = kn->ratings.back();  // 29-9901.00, Occupational Expert
  CHECK(expert.code == "29-9901.00");
  CHECK_FALSE(expert.n.has_value());
  CHECK_FALSE(expert.standard_error.has_value());
  CHECK_FALSE(expert.lower_ci.has_value());
  CHECK_FALSE(expert.upper_ci.has_value());
  CHECK(expert.not_relevant == 'N');
  CHECK(expert.domain_source == "Occupational Expert");

  CHECK(parse_error(
            lines({kHeader, "11-9901.00\t2.A.1.a\tReading Comprehension\tIM\tn/a\t8\t0.1\t1\t2\tN\tn/a\t08/2024\tAnalyst"})) ==
        "Skills.txt:2: column 'Data Value' is n/a but a value is required");
}

TEST_CASE("LF files, a UTF-8 BOM and an unterminated complete last line are accepted", "[onet][parser]") {
  auto crlf = parse_table(lines({kHeader, kRow1, kRow2, kRow3}), "Skills");
  auto lf = parse_table(lines({kHeader, kRow1, kRow2, kRow3}, "\n"), "Skills");
  auto bom = parse_table("\xEF\xBB\xBF" + lines({kHeader, kRow1, kRow2, kRow3}), "Skills");
  auto open_end = parse_table(lines({kHeader, kRow1, kRow2}) + kRow3, "Skills");
  // Cut between CR and LF: the CR is still the ending, not part of Domain Source.
  auto cut_crlf = parse_table(lines({kHeader, kRow1, kRow2}) + kRow3 + "\r", "Skills");
  for (const auto* b : {&crlf, &lf, &bom, &open_end, &cut_crlf}) {
    REQUIRE((*b)->ratings.size() == 3);
    CHECK((*b)->ratings[2].domain_source == "Analyst");
    CHECK((*b)->ratings[2].recommend_suppress == 'Y');
    CHECK((*b)->ratings[2].line == 4);
  }
  auto header_only = parse_table(lines({kHeader}), "Skills");
  CHECK(header_only->ratings.empty());
  CHECK(header_only->last);
}

TEST_CASE("file-level problems give exact errors", "[onet][parser]") {
  SECTION("empty file") {
    CHECK(parse_error("") ==
          "Skills.txt: file is empty (expected the header line O*NET-SOC Code<TAB>Element ID<TAB>Element "
          "Name<TAB>Scale ID<TAB>Data Value<TAB>N<TAB>Standard Error<TAB>Lower CI Bound<TAB>Upper CI "
          "Bound<TAB>Recommend Suppress<TAB>Not Relevant<TAB>Date<TAB>Domain Source)");
    CHECK(parse_error("\xEF\xBB\xBF", "Scales Reference") ==
          "Scales Reference.txt: file is empty (expected the header line Scale ID<TAB>Scale "
          "Name<TAB>Minimum<TAB>Maximum)");
    CHECK(parse_error("\r\n", "Scales Reference") ==
          "Scales Reference.txt:1: header line is empty (expected Scale ID<TAB>Scale Name<TAB>Minimum<TAB>Maximum)");
  }
  SECTION("header changed: renamed column") {
    std::string h = kHeader;
    h.replace(h.find("Data Value"), 10, "Value");
    CHECK(parse_error(lines({h, kRow1})) == "Skills.txt:1: header column 5 is 'Value', expected 'Data Value'");
  }
  SECTION("header changed: reordered columns") {
    CHECK(parse_error(lines({"Scale ID\tScale Name\tMaximum\tMinimum", "IM\tImportance\t5\t1"}), "Scales Reference") ==
          "Scales Reference.txt:1: header column 3 is 'Maximum', expected 'Minimum'");
  }
  SECTION("header changed: missing column") {
    std::string h = kHeader.substr(0, kHeader.rfind('\t'));
    CHECK(parse_error(lines({h, kRow1})) == "Skills.txt:1: header lacks column 'Domain Source' (12 columns, expected 13)");
    CHECK(parse_error(lines({"Element ID\tDescription", "2.A\tx"}), "Content Model Reference") ==
          "Content Model Reference.txt:1: header lacks column 'Element Name' (2 columns, expected 3)");
  }
  SECTION("header changed: extra column") {
    CHECK(parse_error(lines({"O*NET-SOC Code\tTitle\tDescription\tJob Zone", "11-9901.00\tA\tB\t3"}), "Occupation Data") ==
          "Occupation Data.txt:1: header has unexpected column 4 'Job Zone' (4 columns, expected 3)");
  }
  SECTION("header with LF-only content is still checked by name") {
    CHECK(parse_error("O*NET-SOC Code\tTitle\n", "Occupation Data") ==
          "Occupation Data.txt:1: header lacks column 'Description' (2 columns, expected 3)");
  }
  SECTION("truncated last line") {
    std::string cut = kRow3.substr(0, kRow3.find("\t0.0915"));  // 6 fields, no line ending
    CHECK(parse_error(lines({kHeader, kRow1, kRow2}) + cut) ==
          "Skills.txt:4: truncated last line: 6 of 13 fields and no line ending (file cut short?)");
  }
  SECTION("mixed CRLF/LF") {
    CHECK(parse_error(lines({kHeader, kRow1}) + kRow2 + "\n" + lines({kRow3})) ==
          "Skills.txt:3: mixed line endings: this line ends with LF, line 1 with CRLF");
    CHECK(parse_error(lines({kHeader, kRow1}, "\n") + kRow2 + "\r\n") ==
          "Skills.txt:3: mixed line endings: this line ends with CRLF, line 1 with LF");
  }
}

TEST_CASE("row-level problems give exact errors under fail", "[onet][parser]") {
  auto with_row = [](const std::string& row) { return parse_error(lines({kHeader, kRow1, row, kRow3})); };
  std::string bad = kRow2;
  SECTION("non-numeric value") {
    bad.replace(bad.find("3.53"), 4, "high");
    CHECK(with_row(bad) == "Skills.txt:3: column 'Data Value': 'high' is not a number");
  }
  SECTION("non-numeric statistics") {
    bad.replace(bad.find("0.4209"), 6, "0,4209");
    CHECK(with_row(bad) == "Skills.txt:3: column 'Standard Error': '0,4209' is not a number");
    CHECK(with_row(kRow2.substr(0, kRow2.find("\t28\t")) + "\t8.5" + kRow2.substr(kRow2.find("\t28\t") + 3)) ==
          "Skills.txt:3: column 'N': '8.5' is not an integer");
    CHECK(with_row("11-9901.00\t2.A.1.a\tReading Comprehension\tLV\tinf\t28\t0.4\t2\t4\tN\tN\t08/2024\tAnalyst") ==
          "Skills.txt:3: column 'Data Value': 'inf' is not a number");
  }
  SECTION("bad flag") {
    bad.replace(bad.find("\tN\tN\t"), 5, "\tN\tyes\t");
    CHECK(with_row(bad) == "Skills.txt:3: column 'Not Relevant': 'yes' is not Y, N or n/a");
  }
  SECTION("wrong field count") {
    CHECK(with_row(kRow2 + "\textra") == "Skills.txt:3: wrong field count: 14 fields, expected 13");
    CHECK(with_row(kRow2.substr(0, kRow2.rfind('\t'))) == "Skills.txt:3: wrong field count: 12 fields, expected 13");
    CHECK(with_row("") == "Skills.txt:3: empty line (expected 13 fields)");
  }
  SECTION("non-numeric scale bound") {
    CHECK(parse_error(lines({"Scale ID\tScale Name\tMinimum\tMaximum", "IM\tImportance\t1\tfive"}), "Scales Reference") ==
          "Scales Reference.txt:2: column 'Maximum': 'five' is not a number");
  }
}

TEST_CASE("under Collect, bad rows become rejects and good rows are kept", "[onet][parser]") {
  std::string bad = kRow2;
  bad.replace(bad.find("3.53"), 4, "high");
  auto b = parse_table(lines({kHeader, kRow1, bad, "short\tline", kRow3}), "Skills", OnBadRow::Collect);
  REQUIRE(b->ratings.size() == 2);
  CHECK(b->ratings[1].line == 5);
  REQUIRE(b->rejects.size() == 2);
  CHECK(b->rejects[0].str() == "Skills.txt:3: column 'Data Value': 'high' is not a number");
  CHECK(b->rejects[0].key == "11-9901.00/2.A.1.a/LV");
  CHECK(b->rejects[1].str() == "Skills.txt:4: wrong field count: 2 fields, expected 13");
  CHECK(b->rejects[1].key == "short/line");
  // File-level problems are never skipped.
  CHECK_THROWS_WITH(parse_table(lines({kHeader, kRow1}) + kRow2 + "\n", "Skills", OnBadRow::Collect),
                    "Skills.txt:3: mixed line endings: this line ends with LF, line 1 with CRLF");
  CHECK_THROWS_WITH(parse_table(lines({kHeader, kRow1}) + "11-9901.00\t2.A", "Skills", OnBadRow::Collect),
                    "Skills.txt:3: truncated last line: 2 of 13 fields and no line ending (file cut short?)");
}

TEST_CASE("chunks hold at most chunk_rows rows and only the final one is last", "[onet][parser]") {
  TableParser p(fixture("Skills.txt"), "Skills", Shape::Rating);
  std::vector<std::shared_ptr<TableBatch>> chunks;
  while (auto b = p.next(10)) chunks.push_back(b);
  REQUIRE(chunks.size() == 10);  // 96 rows
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    CHECK(chunks[i]->last == (i + 1 == chunks.size()));
    CHECK(chunks[i]->ratings.size() == (i + 1 == chunks.size() ? 6u : 10u));
  }
  CHECK(chunks[3]->ratings.front().line == 32);
  CHECK(p.rows_read() == 96);
  CHECK(p.next(10) == nullptr);

  // Exactly divisible: the final full chunk carries last, no empty trailer.
  TableParser q(fixture("Skills.txt"), "Skills", Shape::Rating);
  std::size_t n = 0;
  bool saw_last = false;
  while (auto b = q.next(48)) {
    ++n;
    saw_last = b->last;
  }
  CHECK(n == 2);
  CHECK(saw_last);
}

TEST_CASE("known tables and shapes", "[onet][parser]") {
  CHECK(shape_of("Skills") == Shape::Rating);
  CHECK(shape_of("Abilities") == Shape::Rating);
  CHECK(shape_of("Scales Reference") == Shape::Scale);
  CHECK_FALSE(shape_of("Work Context").has_value());  // it has an extra Category column
  CHECK_THROWS_WITH(parse_table("x", "Skils"), "unknown O*NET table 'Skils'");
}
