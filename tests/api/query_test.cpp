// Query-string decoding: strict percent-decoding, UTF-8 validation, limits, repeats kept.
#include <catch2/catch.hpp>

#include "api/query.hpp"

using api::parse_query;
using api::QueryParam;
using api::QueryProblem;

namespace {
std::vector<QueryParam> ok(std::string_view q) {
  auto r = parse_query(q);
  INFO("query: " << q);
  REQUIRE(std::holds_alternative<std::vector<QueryParam>>(r));
  return std::get<std::vector<QueryParam>>(r);
}
QueryProblem bad(std::string_view q, const api::QueryLimits& l = {}) {
  auto r = parse_query(q, l);
  INFO("query: " << q);
  REQUIRE(std::holds_alternative<QueryProblem>(r));
  return std::get<QueryProblem>(r);
}
}  // namespace

TEST_CASE("query: names and values are percent-decoded, '+' is a space", "[api][query]") {
  auto p = ok("from=15-1252&to=15%2D1251.00&q=web+dev%20x&flag&&empty=");
  REQUIRE(p.size() == 5);
  CHECK(p[0].name == "from");
  CHECK(p[0].value == "15-1252");
  CHECK(p[1].value == "15-1251.00");
  CHECK(p[2].value == "web dev x");
  CHECK(p[3].name == "flag");
  CHECK(p[3].value.empty());
  CHECK(p[4].value.empty());
  CHECK(ok("").empty());
  CHECK(ok("&&&").empty());
  CHECK(ok("q=%C3%A9t%C3%A9")[0].value == "\xC3\xA9t\xC3\xA9");  // "été"
  CHECK(ok("q=%27%20OR%201%3D1%20--")[0].value == "' OR 1=1 --");
}

TEST_CASE("query: repeated parameters are all kept (the route rejects them)", "[api][query]") {
  auto p = ok("from=a&from=b");
  REQUIRE(p.size() == 2);
  CHECK(p[1].value == "b");
}

TEST_CASE("query: malformed escapes, invalid UTF-8 and control characters are errors", "[api][query]") {
  CHECK(bad("from=%zz").error == "bad_encoding");
  CHECK(bad("from=%").error == "bad_encoding");
  CHECK(bad("from=%4").error == "bad_encoding");
  CHECK(bad("from=abc%").param == "from");
  CHECK(bad("q=%FF").error == "bad_encoding");
  CHECK(bad("q=%C0%AF").error == "bad_encoding");        // overlong '/'
  CHECK(bad("q=%ED%A0%80").error == "bad_encoding");     // UTF-16 surrogate
  CHECK(bad("q=%F4%90%80%80").error == "bad_encoding");  // past U+10FFFF
  CHECK(bad("q=%E2%82").error == "bad_encoding");        // truncated sequence
  CHECK(bad("q=a%00b").error == "bad_encoding");
  CHECK(bad("q=a%0Ab").error == "bad_encoding");
  CHECK(bad("=x").error == "bad_encoding");
  CHECK(bad("%FF=x").error == "bad_encoding");
  CHECK(bad("q=\xFF").error == "bad_encoding");
  auto p = bad("q=%FF");
  CHECK(p.message == "Error: Parameter 'q' is not valid UTF-8 text.");
}

TEST_CASE("query: limits on length, count and value size", "[api][query]") {
  CHECK(bad(std::string(5000, 'a')).error == "query_too_long");
  CHECK(bad("q=" + std::string(300, 'x')).error == "parameter_too_long");
  CHECK(bad(std::string(70, 'n') + "=1").error == "parameter_too_long");
  std::string many;
  for (int i = 0; i < 40; ++i) many += "p" + std::to_string(i) + "=1&";
  CHECK(bad(many).error == "too_many_parameters");
  // A value just at the limit is fine; the limit is on decoded bytes.
  CHECK(ok("q=" + std::string(256, 'x'))[0].value.size() == 256);
  std::string encoded;
  for (int i = 0; i < 100; ++i) encoded += "%41";
  CHECK(ok("q=" + encoded)[0].value == std::string(100, 'A'));
}

TEST_CASE("utf8 and shorten helpers", "[api][query]") {
  CHECK(api::valid_utf8("plain"));
  CHECK(api::valid_utf8("\xF0\x9F\x98\x80"));
  CHECK_FALSE(api::valid_utf8("\xF0\x9F\x98"));
  CHECK(api::shorten("short") == "short");
  CHECK(api::shorten(std::string(50, 'x'), 40) == std::string(40, 'x') + "...");
  // Never cuts inside a character.
  auto s = api::shorten(std::string(39, 'x') + "\xC3\xA9" + "yyyy", 40);
  CHECK(api::valid_utf8(s));
}
