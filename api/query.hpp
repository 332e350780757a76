#pragma once
// Query strings as clients send them: '&'-separated name=value pairs, percent-encoded, '+' for
// space. Decoding is strict: a malformed escape, invalid UTF-8, a control character or an
// over-long value is an error naming the parameter, never silently repaired.
//
// (web::uri::split_query is not used: it folds repeated parameters into a map, and a repeated
// parameter must be rejected, not resolved by whichever copy the map kept.)
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace api {

struct QueryParam {
  std::string name;
  std::string value;
};

struct QueryLimits {
  std::size_t max_query_bytes = 4096;  // raw, before decoding
  std::size_t max_params = 32;
  std::size_t max_name_bytes = 64;    // decoded
  std::size_t max_value_bytes = 256;  // decoded
};

struct QueryProblem {
  std::string error;    // machine-readable code: query_too_long, too_many_parameters, bad_encoding, parameter_too_long
  std::string param;    // the parameter concerned ("" when about the whole query)
  std::string message;  // for the client
};

using ParsedQuery = std::variant<std::vector<QueryParam>, QueryProblem>;

ParsedQuery parse_query(std::string_view raw, const QueryLimits& limits = {});

bool valid_utf8(std::string_view s);

// `s` cut to `max` bytes at a character boundary, with "..." when cut: for echoing input.
std::string shorten(std::string_view s, std::size_t max = 40);

}  // namespace api
