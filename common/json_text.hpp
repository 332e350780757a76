#pragma once
// JSON text written by hand, for the answers that are written without a JSON DOM because they
// are on a hot path (/skill-gap, /transitions) and for files in the same form (the transitions
// JSONL). One home for the two pieces every such writer needs.
#include <string>
#include <string_view>

namespace common {

// `s` as a JSON string literal, quotes included. Printable ASCII is copied (quote and backslash
// escaped); anything else goes through nlohmann::json's serializer, which escapes control
// characters and replaces invalid UTF-8 with U+FFFD, so stored bytes can never break an answer.
void append_json_string(std::string& out, std::string_view s);

// The shortest text that reads back as the same double ("3.12", "0.5", "7"), like fmt's "{}".
void append_json_number(std::string& out, double v);

}  // namespace common
