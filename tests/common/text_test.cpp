// common/text and common/env: the helpers the database URL parser, the query parser, the
// resolver and the nodes share (one copy each since issue 10 §5).
#include <catch2/catch.hpp>

#include <cstdlib>

#include "common/defaults.hpp"
#include "common/env.hpp"
#include "common/text.hpp"

TEST_CASE("ascii_lower: ASCII letters only, UTF-8 untouched", "[common][text]") {
  CHECK(common::ascii_lower("") == "");
  CHECK(common::ascii_lower("Registered NURSES 29-1141.00") == "registered nurses 29-1141.00");
  CHECK(common::ascii_lower("CAF\xc3\x89") == "caf\xc3\x89");  // É stays É: not ASCII
  CHECK(common::ascii_lower("[@`{") == "[@`{");                // the bytes around A-Z
}

TEST_CASE("percent_decode: %XX either case, '+' only in query strings, bad escapes refused", "[common][text]") {
  struct Case {
    const char* in;
    bool plus;
    std::optional<std::string> out;
  };
  const Case cases[] = {
      {"", false, ""},
      {"abc", false, "abc"},
      {"p%40ss", false, "p@ss"},
      {"%2f%2F", false, "//"},
      {"a+b", false, "a+b"},
      {"a+b", true, "a b"},
      {"%2B", true, "+"},
      {"%00", false, std::string(1, '\0')},
      {"%", false, std::nullopt},
      {"%4", false, std::nullopt},
      {"ab%", true, std::nullopt},
      {"%g0", false, std::nullopt},
      {"%0g", false, std::nullopt},
  };
  for (const auto& c : cases) {
    INFO("input '" << c.in << "' plus_is_space " << c.plus);
    CHECK(common::percent_decode(c.in, c.plus) == c.out);
  }
}

TEST_CASE("parse_decimal: digits only, within the range", "[common][text]") {
  CHECK(common::parse_decimal("3306", 1, 65535) == 3306);
  CHECK(common::parse_decimal("0", 0, 10) == 0);
  CHECK(common::parse_decimal("007", 1, 10) == 7);
  CHECK_FALSE(common::parse_decimal("", 0, 10));
  CHECK_FALSE(common::parse_decimal("-1", -5, 10));
  CHECK_FALSE(common::parse_decimal("+1", 0, 10));
  CHECK_FALSE(common::parse_decimal(" 1", 0, 10));
  CHECK_FALSE(common::parse_decimal("1e3", 0, 10000));
  CHECK_FALSE(common::parse_decimal("65536", 1, 65535));
  CHECK_FALSE(common::parse_decimal("0", 1, 65535));
  CHECK_FALSE(common::parse_decimal("9999999999999999999", 0, 1));  // 19 digits: refused, no overflow
  CHECK(common::parse_decimal("999999999999999999", 0, 999999999999999999) == 999999999999999999);
}

TEST_CASE("env: unset, empty and set are told apart; env_or falls back on both unset and empty", "[common][env]") {
  ::unsetenv("SKILLGAP_TEST_ENV");
  CHECK_FALSE(common::env_value("SKILLGAP_TEST_ENV"));
  CHECK(common::env_or("SKILLGAP_TEST_ENV", "fallback") == "fallback");
  ::setenv("SKILLGAP_TEST_ENV", "", 1);
  CHECK(common::env_value("SKILLGAP_TEST_ENV") == std::string());
  CHECK(common::env_or("SKILLGAP_TEST_ENV", "fallback") == "fallback");
  ::setenv("SKILLGAP_TEST_ENV", "v", 1);
  CHECK(common::env_value("SKILLGAP_TEST_ENV") == std::string("v"));
  CHECK(common::env_or("SKILLGAP_TEST_ENV", "fallback") == "v");
  ::unsetenv("SKILLGAP_TEST_ENV");
}

TEST_CASE("the default database URL, and the parameter default built from it", "[common][defaults]") {
  CHECK(common::kDefaultDatabaseUrl == "sqlite:data/onet.db");
  CHECK(common::database_url_param_default() == "${DATABASE_URL:-sqlite:data/onet.db}");
}
