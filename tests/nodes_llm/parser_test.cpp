// The answer parser: tolerant about the wrapping, strict about the content.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "nodes/llm/answer_parser.hpp"

using llm::AskedElement;
using llm::parse_answer;

namespace {

const std::vector<AskedElement> kAsked = {
    {"2.A.1.a", "Reading Comprehension"}, {"2.A.1.b", "Active Listening"}, {"2.B.3.e", "Programming"}};

std::string good() {
  return R"({"occupation_code": "15-1252.00", "skills": [
    {"element_id": "2.A.1.a", "level": 4.5, "justification": "reads specs"},
    {"element_id": "2.A.1.b", "level": 3, "justification": "meetings"},
    {"element_id": "2.B.3.e", "level": 6.25, "justification": "writes code"}]})";
}

}  // namespace

TEST_CASE("a clean answer gives every asked element", "[llm][parser]") {
  auto p = parse_answer(good(), "15-1252.00", kAsked, 0, 7);
  REQUIRE(p.complete());
  CHECK(p.items.at("2.A.1.a").level == 4.5);
  CHECK(p.items.at("2.A.1.b").level == 3.0);
  CHECK(p.items.at("2.B.3.e").level == 6.25);
  CHECK(p.items.at("2.B.3.e").justification == "writes code");
  CHECK(p.problems.empty());
}

TEST_CASE("code fences and text around the JSON are tolerated", "[llm][parser]") {
  auto fenced = parse_answer("Here you go:\n```json\n" + good() + "\n```\nHope this helps!", "15-1252.00", kAsked, 0, 7);
  CHECK(fenced.complete());
  auto bare_fence = parse_answer("```\n" + good() + "\n```", "15-1252.00", kAsked, 0, 7);
  CHECK(bare_fence.complete());
  auto prose = parse_answer("Sure! The ratings {as requested} are " + good() + " -- done.", "15-1252.00", kAsked, 0, 7);
  CHECK(prose.complete());
  auto brace_in_string = parse_answer(
      R"({"occupation_code": "15-1252.00", "skills": [{"element_id": "2.A.1.a", "level": 1, "justification": "a } brace"},
      {"element_id": "2.A.1.b", "level": 2, "justification": "x"}, {"element_id": "2.B.3.e", "level": 3, "justification": "y"}]})",
      "15-1252.00", kAsked, 0, 7);
  CHECK(brace_in_string.complete());
  CHECK(brace_in_string.items.at("2.A.1.a").justification == "a } brace");
  auto bare_array = parse_answer(
      R"([{"element_id": "2.A.1.a", "level": 1}, {"element_id": "2.A.1.b", "level": 2}, {"element_id": "2.B.3.e", "level": 3}])",
      "15-1252.00", kAsked, 0, 7);
  CHECK(bare_array.complete());
}

TEST_CASE("malformed or empty answers give nothing and ask again for all", "[llm][parser]") {
  for (const std::string& text : {std::string(""), std::string("   \n"), std::string("I cannot rate these."),
                                  std::string(R"({"occupation_code": "15-1252.00", "skills": [{"element_id": )")}) {
    auto p = parse_answer(text, "15-1252.00", kAsked, 0, 7);
    CHECK_FALSE(p.complete());
    CHECK(p.items.empty());
    CHECK(p.missing.size() == 3);
    CHECK_FALSE(p.problems.empty());
  }
  auto no_skills = parse_answer(R"({"occupation_code": "15-1252.00", "levels": {}})", "15-1252.00", kAsked, 0, 7);
  CHECK(no_skills.missing.size() == 3);
  CHECK(no_skills.problems.front().find("skills") != std::string::npos);
}

TEST_CASE("an answer about another occupation is rejected whole", "[llm][parser]") {
  std::string other = good();
  other.replace(other.find("15-1252.00"), 10, "11-1011.00");
  auto p = parse_answer(other, "15-1252.00", kAsked, 0, 7);
  CHECK(p.items.empty());
  CHECK(p.missing.size() == 3);
  CHECK(p.problems.front().find("11-1011.00") != std::string::npos);
}

TEST_CASE("missing skills are reported, the rest kept", "[llm][parser]") {
  auto p = parse_answer(R"({"occupation_code": "15-1252.00", "skills": [{"element_id": "2.A.1.a", "level": 4}]})", "15-1252.00",
                        kAsked, 0, 7);
  CHECK(p.items.size() == 1);
  CHECK(p.missing == std::vector<std::string>{"2.A.1.b", "2.B.3.e"});
  CHECK_FALSE(p.complete());
}

TEST_CASE("invented ids are dropped, an exact name is the only fallback", "[llm][parser]") {
  auto p = parse_answer(R"({"occupation_code": "15-1252.00", "skills": [
      {"element_id": "2.A.9.z", "level": 4},
      {"element_id": "Coding Wizardry", "level": 5},
      {"element_id": "", "element_name": "Programming", "level": 6},
      {"element_id": "Active Listening", "level": 3},
      {"element_id": "x", "name": "reading comprehension", "level": 2}]})",
                        "15-1252.00", kAsked, 0, 7);
  CHECK(p.items.size() == 2);
  CHECK(p.items.at("2.B.3.e").level == 6);  // by element_name
  CHECK(p.items.at("2.A.1.b").level == 3);  // the name written in the id field
  CHECK_FALSE(p.items.count("2.A.1.a"));    // case differs: not an exact name
  CHECK(p.missing == std::vector<std::string>{"2.A.1.a"});
  CHECK(p.problems.size() == 3);
}

TEST_CASE("levels must be numbers inside the scale", "[llm][parser]") {
  auto p = parse_answer(R"({"occupation_code": "15-1252.00", "skills": [
      {"element_id": "2.A.1.a", "level": 7.5},
      {"element_id": "2.A.1.b", "level": "high"},
      {"element_id": "2.B.3.e", "level": -0.1}]})",
                        "15-1252.00", kAsked, 0, 7);
  CHECK(p.items.empty());
  CHECK(p.missing.size() == 3);
  CHECK(p.problems.size() == 3);

  auto q = parse_answer(R"({"occupation_code": "15-1252.00", "skills": [
      {"element_id": "2.A.1.a", "level": "4.5"},
      {"element_id": "2.A.1.b", "level": null},
      {"element_id": "2.B.3.e", "level": 7}]})",
                        "15-1252.00", kAsked, 0, 7);
  CHECK(q.items.at("2.A.1.a").level == 4.5);  // a numeric string is unambiguous
  CHECK(q.items.at("2.B.3.e").level == 7);    // the bound itself is inside
  CHECK(q.missing == std::vector<std::string>{"2.A.1.b"});
  auto r = parse_answer(R"([{"element_id": "2.A.1.a", "level": "4-5"}, {"element_id": "2.A.1.b", "level": true},
      {"element_id": "2.B.3.e"}])",
                        "15-1252.00", kAsked, 0, 7);
  CHECK(r.items.empty());
}

TEST_CASE("an element answered twice with different levels is not trusted", "[llm][parser]") {
  auto p = parse_answer(R"([{"element_id": "2.A.1.a", "level": 4}, {"element_id": "2.A.1.a", "level": 5},
      {"element_id": "2.A.1.b", "level": 3}, {"element_id": "2.A.1.b", "level": 3}, {"element_id": "2.B.3.e", "level": 1}])",
                        "15-1252.00", kAsked, 0, 7);
  CHECK_FALSE(p.items.count("2.A.1.a"));
  CHECK(p.items.at("2.A.1.b").level == 3);  // the same level twice is harmless
  CHECK(p.missing == std::vector<std::string>{"2.A.1.a"});
}

TEST_CASE("extract_json finds the first parseable JSON", "[llm][parser]") {
  CHECK(llm::extract_json("no json here") == "");
  CHECK(llm::extract_json("a {broken [ then {\"ok\": 1} end") == "{\"ok\": 1}");
  CHECK(llm::extract_json("```json\nnot json\n```\n{\"x\": [1]}") == "{\"x\": [1]}");
}

TEST_CASE("extract_json takes linear time on bracket garbage (fuzz finding)", "[llm][parser]") {
  // 200,000 unclosed brackets or 50,000 nested ones around an invalid token: every bracket used
  // to start a scan to the end (and every balanced candidate a parse), minutes of CPU.
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(llm::extract_json(std::string(200000, '[')).empty());
  CHECK(llm::extract_json(std::string(50000, '[') + "x" + std::string(50000, ']')).empty());
  auto p = parse_answer(std::string(100000, '{') + " {\"x\": 1}", "15-1252.00", kAsked, 0, 7);
  CHECK_FALSE(p.json_found);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  // Valid JSON after a little garbage is still found.
  CHECK(llm::extract_json(std::string(1000, '[') + " {\"ok\": 1}") == "{\"ok\": 1}");
}

TEST_CASE("extract_json refuses JSON nested deeper than an answer can be (fuzz finding)", "[llm][parser]") {
  // 30,000 nested arrays are valid JSON; dumping an item of them for a message overflowed the
  // stack (fuzz/regressions/llm_answer/deeply-nested-valid-arrays).
  const std::string deep = std::string(30000, '[') + std::string(30000, ']');
  CHECK(llm::extract_json(deep).empty());
  CHECK(llm::extract_json("```json\n" + deep + "\n```").empty());
  auto p = parse_answer(deep, "15-1252.00", kAsked, 0, 7);
  CHECK_FALSE(p.json_found);
  CHECK(p.missing.size() == kAsked.size());
  // 64 levels are still JSON; brackets inside strings do not count.
  const std::string ok = std::string(64, '[') + std::string(64, ']');
  CHECK(llm::extract_json(ok) == ok);
  const std::string strings = "{\"s\": \"" + std::string(100, '[') + "\"}";
  CHECK(llm::extract_json(strings) == strings);
}
