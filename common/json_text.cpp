#include "common/json_text.hpp"

#include <cmath>
#include <iterator>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace common {

void append_json_string(std::string& out, std::string_view s) {
  bool plain = true;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      plain = false;
      break;
    }
  }
  if (!plain) {
    out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  // Runs without a quote or backslash are appended whole (answers are mostly such text).
  while (!s.empty()) {
    const auto at = s.find_first_of("\"\\");
    out.append(s.substr(0, at));
    if (at == std::string_view::npos) break;
    out += '\\';
    out += s[at];
    s.remove_prefix(at + 1);
  }
  out += '"';
}

void append_json_number(std::string& out, double v) {
  // Most numbers in answers are O*NET values at 2 decimals. When v is exactly the double
  // nearest h/100 (IEEE division is correctly rounded), the decimal h/100 with its trailing
  // zeros dropped is v's shortest round-trip form, which is what fmt's "{}" writes: written
  // here from the integer, about twenty times cheaper than the general algorithm.
  if (std::fabs(v) < 1e13) {
    const long long h = std::llround(v * 100.0);
    if (static_cast<double>(h) / 100.0 == v && !(h == 0 && std::signbit(v))) {
      const unsigned long long a = h < 0 ? 0ULL - static_cast<unsigned long long>(h) : static_cast<unsigned long long>(h);
      if (h < 0) out += '-';
      out += fmt::format_int(a / 100).c_str();
      const unsigned cents = static_cast<unsigned>(a % 100);
      if (cents != 0) {
        out += '.';
        out += static_cast<char>('0' + cents / 10);
        if (cents % 10 != 0) out += static_cast<char>('0' + cents % 10);
      }
      return;
    }
  }
  // Into a stack buffer, then one append: a back_inserter into the string grows it a character
  // at a time. 32 bytes hold any double fmt writes in its shortest form.
  char buf[32];
  const auto r = fmt::format_to_n(buf, sizeof buf, "{}", v);
  out.append(buf, r.out);
}

}  // namespace common
