// common/json_text: the numbers and strings every hand-written answer (/skill-gap,
// /transitions, the batch JSONL) is made of. The number writer's 2-decimal fast path must
// write exactly what fmt's shortest form writes, for every value it takes.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/json_text.hpp"

namespace {
std::string number(double v) {
  std::string s;
  common::append_json_number(s, v);
  return s;
}
std::string reference(double v) { return fmt::format("{}", v); }
}  // namespace

TEST_CASE("json numbers: every 2-decimal value from -1000 to 1000 as fmt writes it", "[common][json]") {
  for (long long h = -100000; h <= 100000; ++h) {
    const double v = static_cast<double>(h) / 100.0;
    const auto got = number(v);
    if (got != reference(v)) FAIL("h=" << h << ": " << got << " != " << reference(v));
  }
}

TEST_CASE("json text: the buffer writer writes what the string appenders write, growing as needed", "[common][json]") {
  std::string a = "[", b = "[";
  {
    common::JsonText o(b, 1);  // forces growth at once
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> d(-100, 100);
    for (int i = 0; i < 5000; ++i) {
      const double v = std::round(d(rng) * 1000) / 1000;
      const std::string s = i % 7 ? "name \"" + std::to_string(i) + "\"" : std::string("caf\xc3\xa9 \x01");
      common::append_json_string(a, s);
      a += ',';
      common::append_json_number(a, v);
      a += ",\"k\":true,";
      o.string(s);
      o.ch(',');
      o.number(v);
      o.lit(",");
      o.key("k");
      o.boolean(true);
      o.raw(std::string_view(","));
    }
    o.integer(-1234567890123LL);
    a += "-1234567890123";
  }  // the destructor trims b to what was written
  CHECK(a == b);
}

TEST_CASE("json numbers: 3- and 4-decimal values (sds, standard errors) as fmt writes them", "[common][json]") {
  for (long long h = -200000; h <= 200000; ++h) {  // every 3-decimal value in [-200, 200]
    const double v = static_cast<double>(h) / 1000.0;
    if (number(v) != reference(v)) FAIL("h=" << h << "/1000: " << number(v) << " != " << reference(v));
  }
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<long long> any(-999999999999999LL, 999999999999999LL), small(-10000000, 10000000);
  for (int i = 0; i < 400000; ++i) {  // 4 decimals, up to the fast path's bound (1e11) and past it
    const double v = static_cast<double>(i % 2 ? any(rng) : small(rng)) / 10000.0;
    if (number(v) != reference(v)) FAIL(v << ": " << number(v) << " != " << reference(v));
  }
  for (double v : {1e11, 1e11 - 0.0001, 99999999999.9999, 0.0001, -0.0001, 0.00015, 1e-5, 0.1234, 0.12345})
    CHECK(number(v) == reference(v));
}

TEST_CASE("json numbers: other doubles take the general path, unchanged", "[common][json]") {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> small(-10.0, 10.0);
  std::uniform_int_distribution<int> exp10(-12, 15);
  for (int i = 0; i < 200000; ++i) {
    const double v = small(rng) * std::pow(10.0, exp10(rng));
    const auto got = number(v);
    if (got != reference(v)) FAIL(v << ": " << got << " != " << reference(v));
  }
  for (double v : {0.0, -0.0, 0.1 + 0.2, 1e13, 1e13 - 0.01, -1e13, 4.125, 0.0001, 5e-324, 1.7976931348623157e308, 123456789012.34,
                   0.07, 7.000000000000001}) {
    CHECK(number(v) == reference(v));
  }
}

TEST_CASE("json strings: quotes and backslashes escaped, runs kept whole", "[common][json]") {
  auto str = [](std::string_view s) {
    std::string o;
    common::append_json_string(o, s);
    return o;
  };
  CHECK(str("") == "\"\"");
  CHECK(str("Registered Nurses") == "\"Registered Nurses\"");
  CHECK(str("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(str("\"") == "\"\\\"\"");
  CHECK(str("\\\\") == "\"\\\\\\\\\"");
  CHECK(str("tab\there") == "\"tab\\there\"");
  CHECK(str("caf\xc3\xa9") == "\"caf\xc3\xa9\"");
}

TEST_CASE("json strings: random text as nlohmann writes it, after what the answer already holds", "[common][json]") {
  // Bytes drawn mostly from plain ASCII with quotes, backslashes, control characters, DEL and
  // (valid and invalid) UTF-8 mixed in: the table's three classes and their borders.
  std::mt19937 rng(7);
  const std::string alphabet =
      std::string("abc XYZ019.,;-_/'") + "\"\\" + "\t\n\x01\x1f\x7f" + "\xc3\xa9" + "\xe2\x82\xac" + "\xff";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1), length(0, 40);
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    for (std::size_t n = length(rng); n; --n) s += alphabet[pick(rng)];
    std::string o = "{\"k\":";
    common::append_json_string(o, s);
    const std::string want = "{\"k\":" + nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (o != want)
      FAIL("string " << nlohmann::json(s).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace) << ": " << o);
  }
}
