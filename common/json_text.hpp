#pragma once
// JSON text written by hand, for the answers that are written without a JSON DOM because they
// are on a hot path (/skill-gap, /transitions) and for files in the same form (the transitions
// JSONL). One home for the two pieces every such writer needs.
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace common {

// `s` as a JSON string literal, quotes included. Printable ASCII is copied (quote and backslash
// escaped); anything else goes through nlohmann::json's serializer, which escapes control
// characters and replaces invalid UTF-8 with U+FFFD, so stored bytes can never break an answer.
void append_json_string(std::string& out, std::string_view s);

// The shortest text that reads back as the same double ("3.12", "0.5", "7"), like fmt's "{}".
void append_json_number(std::string& out, double v);
// The same into `p`, which has room for kMaxJsonNumber bytes; returns the end.
inline constexpr std::size_t kMaxJsonNumber = 32;
char* write_json_number(char* p, double v);

// An answer written straight into a string's buffer: the /skill-gap writer appends a few
// thousand short pieces (keys, punctuation, values, pre-written fragments) per answer, and
// std::string::append's checks and calls per piece cost more than the bytes themselves. Each
// write checks the room left once; the buffer grows by doubling. `finish()` (or the
// destructor) trims the string to what was written.
class JsonText {
 public:
  // Appends to `out`, starting with room for `expect` bytes.
  explicit JsonText(std::string& out, std::size_t expect = 4096);
  ~JsonText() { finish(); }
  JsonText(const JsonText&) = delete;
  JsonText& operator=(const JsonText&) = delete;

  // Bytes copied as they are: punctuation, literals, fragments already in JSON.
  void raw(const char* s, std::size_t n) {
    room(n);
    std::memcpy(p_, s, n);
    p_ += n;
  }
  void raw(std::string_view s) { raw(s.data(), s.size()); }
  template <std::size_t N>
  void lit(const char (&s)[N]) {
    raw(s, N - 1);
  }
  void ch(char c) {
    room(1);
    *p_++ = c;
  }
  // `"k":` for a literal key (keys are never escaped: they are the writer's own).
  template <std::size_t N>
  void key(const char (&k)[N]) {
    room(N + 2);
    *p_++ = '"';
    std::memcpy(p_, k, N - 1);
    p_ += N - 1;
    *p_++ = '"';
    *p_++ = ':';
  }
  void string(std::string_view s);  // as append_json_string writes it
  void number(double v) {
    room(kMaxJsonNumber);
    p_ = write_json_number(p_, v);
  }
  void integer(long long v);
  void boolean(bool v) { v ? lit("true") : lit("false"); }
  void null() { lit("null"); }

  void finish();  // trims the string to what was written; writing again after it is an error

 private:
  void room(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) grow(n);
  }
  void grow(std::size_t n);

  std::string& out_;
  char* p_;
  char* end_;
};

}  // namespace common
