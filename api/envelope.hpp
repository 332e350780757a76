#pragma once
// The JSON envelope every endpoint answers with:
//   {"success": true|false, "message": "...", "result": {...}}       (+ "error": "<code>" on failure)
// Errors of /skill-gap keep "result": {"skill_gaps": []} so clients can read the list either way.
#include <string>

#include <nlohmann/json.hpp>

#include "api/http_types.hpp"

namespace gap {
class GapResultBatch;
}

namespace api {

// Insertion-ordered, so that bodies read in the documented order (success, message, result).
using json = nlohmann::ordered_json;

Response json_response(int status, const json& body);
Response success(std::string message, json result);

struct ErrorSpec {
  int status;
  std::string error;    // machine-readable, e.g. "occupation_not_found"
  std::string message;  // "Error: ..."
};
// `empty_list`: the key of an empty list in `result` (`skill_gaps` for the /skill-gap envelope), or
// nullptr for result = {}.
Response error_response(const ErrorSpec& e, const char* empty_list);

// The /skill-gap success response for a computed result. Written directly (not through a
// JSON DOM): it is the hot path, and the DOM cost about 3x the gap computation itself.
Response skill_gap_success(const gap::GapResultBatch& r);
std::string skill_gap_message(const gap::GapResultBatch& r);

// JSON text helpers of that writer (exposed for tests).
void append_json_string(std::string& out, std::string_view s);
void append_json_number(std::string& out, double v);

}  // namespace api
