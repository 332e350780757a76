// The row checks of onet_validate, driven directly with parsed fixture tables.
#include <catch2/catch.hpp>

#include "nodes/onet/table_parser.hpp"
#include "nodes/onet/validator.hpp"
#include "onet_test_util.hpp"

using namespace onet;
using testing_support::read_file;

namespace {

std::shared_ptr<const TableBatch> table(const std::string& name, const std::string& content = {}) {
  return parse_table(content.empty() ? read_file(onettest::fixture_dir() / (name + ".txt")) : content, name);
}

void load_references(Validator& v) {
  for (auto t : {"Occupation Data", "Content Model Reference", "Scales Reference"}) {
    auto r = v.check(table(t));
    REQUIRE(r.problems.empty());
  }
  REQUIRE(v.references_complete());
}

const std::string kRatingHeader =
    "O*NET-SOC Code\tElement ID\tElement Name\tScale ID\tData Value\tN\tStandard Error\tLower CI Bound\t"
    "Upper CI Bound\tRecommend Suppress\tNot Relevant\tDate\tDomain Source\r\n";

std::string rating(const std::string& code, const std::string& id, const std::string& name, const std::string& scale,
                   const std::string& value) {
  return code + "\t" + id + "\t" + name + "\t" + scale + "\t" + value + "\t8\t0.1000\t1.0000\t2.0000\tN\t" +
         (scale == "IM" ? "n/a" : "N") + "\t08/2024\tAnalyst\r\n";
}

// Problems of a Skills file made of the given rows, checked against the fixture references.
std::vector<std::string> skills_problems(const std::vector<std::string>& rows, std::size_t* kept = nullptr) {
  Validator v;
  load_references(v);
  std::string content = kRatingHeader;
  for (const auto& r : rows) content += r;
  auto result = v.check(table("Skills", content));
  if (kept) *kept = result.kept->ratings.size();
  std::vector<std::string> out;
  for (const auto& p : result.problems) out.push_back(p.str());
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("the fixture release passes every check and clean chunks are forwarded as is", "[onet][validate]") {
  Validator v;
  CHECK(v.missing_references() == V{"Occupation Data", "Content Model Reference", "Scales Reference"});
  load_references(v);
  for (auto t : {"Skills", "Knowledge"}) {
    auto in = table(t);
    auto r = v.check(in);
    CHECK(r.problems.empty());
    CHECK(r.kept == in);  // same object: no copy for a clean chunk
  }
}

TEST_CASE("ratings are refused before the reference tables are complete", "[onet][validate]") {
  Validator v;
  v.check(table("Occupation Data"));
  CHECK_THROWS_AS(v.check(table("Skills")), std::logic_error);
  v.check(table("Content Model Reference"));
  CHECK(v.missing_references() == V{"Scales Reference"});
  v.check(table("Scales Reference"));
  CHECK_NOTHROW(v.check(table("Skills")));
  CHECK_THROWS_WITH(v.check(table("Skills")),
                    "table 'Skills' arrived again after its last chunk (is it read by two onet_table nodes?)");
}

TEST_CASE("each rating check reports file:line and reason", "[onet][validate]") {
  const std::string ok = rating("15-9901.00", "2.B.3.e", "Programming", "IM", "4.75");
  SECTION("value out of range") {
    CHECK(skills_problems({ok, rating("15-9901.00", "2.B.3.e", "Programming", "LV", "7.20")}) ==
          V{"Skills.txt:3: value 7.2 is outside scale 'LV' range [0, 7]"});
    CHECK(skills_problems({rating("15-9901.00", "2.A.1.a", "Reading Comprehension", "IM", "0.50")}) ==
          V{"Skills.txt:2: value 0.5 is outside scale 'IM' range [1, 5]"});
  }
  SECTION("boundaries are inside") {
    CHECK(skills_problems({rating("15-9901.00", "2.B.3.e", "Programming", "IM", "5.00"),
                           rating("15-9901.00", "2.B.3.e", "Programming", "LV", "0.00")})
              .empty());
  }
  SECTION("duplicate key") {
    std::size_t kept = 0;
    CHECK(skills_problems({ok, rating("15-9901.00", "2.B.3.e", "Programming", "LV", "5.00"), ok}, &kept) ==
          V{"Skills.txt:4: duplicate (15-9901.00, 2.B.3.e, IM) (first at line 2)"});
    CHECK(kept == 2);
  }
  SECTION("unknown occupation code") {
    CHECK(skills_problems({ok, rating("15-9999.00", "2.B.3.e", "Programming", "IM", "3.00")}) ==
          V{"Skills.txt:3: occupation code '15-9999.00' is not in Occupation Data"});
  }
  SECTION("malformed SOC code") {
    CHECK(skills_problems({rating("15-990.00", "2.B.3.e", "Programming", "IM", "3.00"),
                           rating("15-9901.0", "2.B.3.e", "Programming", "IM", "3.00"),
                           rating("15_9901.00", "2.B.3.e", "Programming", "IM", "3.00")}) ==
          V{"Skills.txt:2: malformed O*NET-SOC code '15-990.00' (expected NN-NNNN.NN)",
            "Skills.txt:3: malformed O*NET-SOC code '15-9901.0' (expected NN-NNNN.NN)",
            "Skills.txt:4: malformed O*NET-SOC code '15_9901.00' (expected NN-NNNN.NN)"});
  }
  SECTION("element not in Content Model Reference") {
    CHECK(skills_problems({rating("15-9901.00", "2.B.3.z", "Programming", "IM", "3.00")}) ==
          V{"Skills.txt:2: element '2.B.3.z' is not in Content Model Reference"});
  }
  SECTION("element name mismatch") {
    CHECK(skills_problems({rating("15-9901.00", "2.B.3.e", "Coding", "IM", "3.00")}) ==
          V{"Skills.txt:2: element name 'Coding' does not match Content Model Reference 'Programming' for 2.B.3.e"});
  }
  SECTION("scale not in Scales Reference") {
    CHECK(skills_problems({rating("15-9901.00", "2.B.3.e", "Programming", "XX", "3.00")}) ==
          V{"Skills.txt:2: scale 'XX' is not in Scales Reference"});
  }
}

TEST_CASE("reference tables are checked too", "[onet][validate]") {
  Validator v;
  auto occ = v.check(table("Occupation Data",
                           "O*NET-SOC Code\tTitle\tDescription\r\n11-9901.00\tA\tx\r\n11-9901.00\tB\tx\r\n1-19901.00\tC\tx\r\n"));
  REQUIRE(occ.problems.size() == 2);
  CHECK(occ.problems[0].str() == "Occupation Data.txt:3: duplicate O*NET-SOC code '11-9901.00' (first at line 2)");
  CHECK(occ.problems[1].str() == "Occupation Data.txt:4: malformed O*NET-SOC code '1-19901.00' (expected NN-NNNN.NN)");
  CHECK(occ.kept->occupations.size() == 1);

  auto cmr = v.check(table("Content Model Reference",
                           "Element ID\tElement Name\tDescription\r\n2.A\tBasic Skills\tx\r\n2.A\tAgain\tx\r\n\tNo id\tx\r\n"));
  REQUIRE(cmr.problems.size() == 2);
  CHECK(cmr.problems[0].str() == "Content Model Reference.txt:3: duplicate element ID '2.A' (first at line 2)");
  CHECK(cmr.problems[1].str() == "Content Model Reference.txt:4: empty Element ID");

  auto sc =
      v.check(table("Scales Reference",
                    "Scale ID\tScale Name\tMinimum\tMaximum\r\nIM\tImportance\t1\t5\r\nIM\tAgain\t1\t5\r\nLV\tLevel\t7\t0\r\n"));
  REQUIRE(sc.problems.size() == 2);
  CHECK(sc.problems[0].str() == "Scales Reference.txt:3: duplicate scale ID 'IM' (first at line 2)");
  CHECK(sc.problems[1].str() == "Scales Reference.txt:4: scale 'LV' has minimum 7 above maximum 0");
  CHECK(sc.kept->scales.size() == 1);
  // LV was dropped, so LV ratings are now unknown-scale problems, not silently accepted.
  auto sk = v.check(table("Skills", kRatingHeader + rating("11-9901.00", "2.A", "Basic Skills", "LV", "3.00")));
  REQUIRE(sk.problems.size() == 1);
  CHECK(sk.problems[0].str() == "Skills.txt:2: scale 'LV' is not in Scales Reference");
  CHECK(sk.kept->ratings.empty());
}

TEST_CASE("reader rejects carried by a chunk are reported, and the copy carries them as rejects, not rows", "[onet][validate]") {
  Validator v;
  load_references(v);
  std::string content = kRatingHeader + rating("15-9901.00", "2.B.3.e", "Programming", "IM", "abc") +
                        rating("15-9901.00", "2.B.3.e", "Programming", "LV", "5.12");
  auto in = parse_table(content, "Skills", OnBadRow::Collect);
  auto r = v.check(in);
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].str() == "Skills.txt:2: column 'Data Value': 'abc' is not a number");
  CHECK(r.kept != in);
  // Every dropped row travels on as a reject, so the loader counts it into load_runs.rejected.
  REQUIRE(r.kept->rejects.size() == 1);
  CHECK(r.kept->rejects[0].str() == r.problems[0].str());
  CHECK(r.kept->ratings.size() == 1);
}

TEST_CASE("SOC code shape", "[onet][validate]") {
  CHECK(is_soc_code("15-1251.00"));
  CHECK(is_soc_code("11-1011.03"));
  CHECK_FALSE(is_soc_code("15-1251"));
  CHECK_FALSE(is_soc_code("15-1251.00 "));
  CHECK_FALSE(is_soc_code("AB-1251.00"));
  CHECK_FALSE(is_soc_code(""));
}
