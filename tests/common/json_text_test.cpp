// common/json_text: the numbers and strings every hand-written answer (/skill-gap,
// /transitions, the batch JSONL) is made of. The number writer's 2-decimal fast path must
// write exactly what fmt's shortest form writes, for every value it takes.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include <fmt/format.h>

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
