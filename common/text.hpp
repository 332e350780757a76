#pragma once
// Small text helpers every layer needs, one home each (common/README.md).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace common {

// ASCII lower case; other bytes (UTF-8 included) unchanged, whatever the locale.
std::string ascii_lower(std::string_view s);

// Percent-decoding (%XX, two hex digits, either case); '+' becomes a space only when
// `plus_is_space` (query strings, not URL paths or user info). nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space = false);

// A non-negative decimal integer made of digits only (no sign, no spaces, at most 18 digits),
// within [lo, hi]; nullopt otherwise.
std::optional<std::int64_t> parse_decimal(std::string_view s, std::int64_t lo, std::int64_t hi);

}  // namespace common
