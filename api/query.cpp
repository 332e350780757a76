#include "api/query.hpp"

#include <cstdint>

#include "common/text.hpp"

namespace api {

namespace {

bool has_control(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

}  // namespace

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    if (cp > 0x10FFFF) return false;
    i += len;
  }
  return true;
}

std::string shorten(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return std::string(s.substr(0, cut)) + "...";
}

ParsedQuery parse_query(std::string_view raw, const QueryLimits& limits) {
  if (raw.size() > limits.max_query_bytes) {
    return QueryProblem{"query_too_long", "",
                        "Error: The query string is too long (at most " + std::to_string(limits.max_query_bytes) + " bytes)."};
  }
  std::vector<QueryParam> out;
  std::size_t pos = 0;
  while (pos <= raw.size()) {
    auto amp = raw.find('&', pos);
    std::string_view part = raw.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    pos = amp == std::string_view::npos ? raw.size() + 1 : amp + 1;
    if (part.empty()) continue;  // "a=1&&b=2", a trailing '&'
    auto eq = part.find('=');
    std::string_view raw_name = part.substr(0, eq);
    std::string_view raw_value = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
    auto name = common::percent_decode(raw_name, true);
    if (!name || name->empty() || !valid_utf8(*name) || has_control(*name)) {
      return QueryProblem{"bad_encoding", "", "Error: Malformed query parameter name."};
    }
    if (name->size() > limits.max_name_bytes) {
      return QueryProblem{"parameter_too_long", "", "Error: A query parameter name is too long."};
    }
    // The name as error messages show it, made only for an error.
    auto shown = [&name] { return shorten(*name, 40); };
    auto value = common::percent_decode(raw_value, true);
    if (!value) {
      return QueryProblem{"bad_encoding", *name, "Error: Malformed percent-encoding in parameter '" + shown() + "'."};
    }
    if (!valid_utf8(*value) || has_control(*value)) {
      return QueryProblem{"bad_encoding", *name, "Error: Parameter '" + shown() + "' is not valid UTF-8 text."};
    }
    if (value->size() > limits.max_value_bytes) {
      return QueryProblem{
          "parameter_too_long", *name,
          "Error: Parameter '" + shown() + "' is too long (at most " + std::to_string(limits.max_value_bytes) + " bytes)."};
    }
    if (out.size() == limits.max_params) {
      return QueryProblem{"too_many_parameters", "",
                          "Error: Too many query parameters (at most " + std::to_string(limits.max_params) + ")."};
    }
    out.push_back({std::move(*name), std::move(*value)});
  }
  return out;
}

}  // namespace api
