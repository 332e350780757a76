#include "common/json_text.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace common {

namespace {

// Per byte: 0 written as is, 1 escaped with a backslash ('"' and '\\'), 2 anything else (control
// characters, DEL, non-ASCII), which goes to nlohmann's writer for its escapes and UTF-8 checks.
constexpr std::array<unsigned char, 256> kJsonClass = [] {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = (c < 0x20 || c >= 0x7f) ? 2 : 0;
  t['"'] = 1;
  t['\\'] = 1;
  return t;
}();

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  // One pass over the bytes with a table, runs of plain text appended whole: answers are mostly
  // such text, and this is the hottest loop of a /skill-gap answer (find_first_of calls memchr
  // once per byte).
  const std::size_t mark = out.size();
  out += '"';
  const char* run = s.data();
  const char* const end = s.data() + s.size();
  for (const char* p = run; p != end; ++p) {
    const unsigned char k = kJsonClass[static_cast<unsigned char>(*p)];
    if (k == 0) continue;
    if (k == 2) {
      out.resize(mark);
      out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
    }
    out.append(run, p);
    out += '\\';
    run = p;  // the quote or backslash itself starts the next run
  }
  out.append(run, end);
  out += '"';
}

void append_json_number(std::string& out, double v) {
  char buf[kMaxJsonNumber];
  out.append(buf, write_json_number(buf, v));
}

char* write_json_number(char* out, double v) {
  // Most numbers in answers have at most 4 decimals: O*NET values and gaps at 2, standard
  // errors and estimates' sds at 3. When v is exactly the double nearest h/10000 (IEEE division
  // is correctly rounded), the decimal h/10000 with its trailing zeros dropped is v's shortest
  // round-trip form, which is what fmt's "{}" writes (two decimals of at most 4 places that
  // round to the same double would have to be equal: the doubles below 1e11 are far closer
  // together than 0.0001). Written here from the integer, many times cheaper than the general
  // algorithm; json_text_test checks it against fmt for every 2-, 3- and 4-decimal case class.
  if (std::fabs(v) < 1e11) {
    // Any h near v·10⁴ will do: the test below takes only an exact one, anything else goes the
    // general way (so no llround, a libm call, on the hot path).
    const double t = v * 10000.0;
    const auto h = static_cast<long long>(t < 0 ? t - 0.5 : t + 0.5);
    if (static_cast<double>(h) / 10000.0 == v && !(h == 0 && std::signbit(v))) {
      unsigned long long a = h < 0 ? 0ULL - static_cast<unsigned long long>(h) : static_cast<unsigned long long>(h);
      char buf[32];
      char* p = buf + sizeof buf;  // written backwards: the fraction without trailing zeros, then the integer part
      unsigned frac = static_cast<unsigned>(a % 10000);
      a /= 10000;
      if (frac != 0) {
        int digits = 4;
        while (frac % 10 == 0) {
          frac /= 10;
          --digits;
        }
        for (int i = 0; i < digits; ++i) {
          *--p = static_cast<char>('0' + frac % 10);
          frac /= 10;
        }
        *--p = '.';
      }
      do {
        *--p = static_cast<char>('0' + a % 10);
        a /= 10;
      } while (a != 0);
      if (h < 0) *--p = '-';
      const auto n = static_cast<std::size_t>(buf + sizeof buf - p);
      std::memcpy(out, p, n);
      return out + n;
    }
  }
  // kMaxJsonNumber (32) bytes hold any double fmt writes in its shortest form.
  return fmt::format_to_n(out, kMaxJsonNumber, "{}", v).out;
}

JsonText::JsonText(std::string& out, std::size_t expect) : out_(out) {
  const std::size_t used = out_.size();
  out_.resize(used + std::max<std::size_t>(expect, 64));
  p_ = out_.data() + used;
  end_ = out_.data() + out_.size();
}

void JsonText::grow(std::size_t n) {
  const auto used = static_cast<std::size_t>(p_ - out_.data());
  out_.resize(std::max(out_.size() * 2, used + n));
  p_ = out_.data() + used;
  end_ = out_.data() + out_.size();
}

void JsonText::finish() {
  if (!p_) return;
  out_.resize(static_cast<std::size_t>(p_ - out_.data()));
  p_ = end_ = nullptr;
}

void JsonText::integer(long long v) {
  const fmt::format_int f(v);
  raw(f.data(), f.size());
}

void JsonText::string(std::string_view s) {
  room(2 + 2 * s.size());  // every byte escaped at worst
  char* const start = p_;
  *p_++ = '"';
  for (const char c : s) {
    const unsigned char k = kJsonClass[static_cast<unsigned char>(c)];
    if (k == 2) {  // as append_json_string does: nlohmann's escapes and UTF-8 checks
      p_ = start;
      std::string tmp;
      append_json_string(tmp, s);
      return raw(tmp);
    }
    if (k == 1) *p_++ = '\\';
    *p_++ = c;
  }
  *p_++ = '"';
}

}  // namespace common
