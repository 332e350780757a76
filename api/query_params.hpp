#pragma once
// A request's query string and path segments checked against its route's declared parameters
// (dag::ParamSpec): unknown, repeated, missing, malformed or out-of-range values are refused
// with a 400 naming the parameter; what passes is typed, normalized and completed with the
// declared defaults. The messages are derived from the specs, so they agree with the docs.
#include <string>
#include <vector>

#include "api/route.hpp"

namespace api {

// O*NET-SOC codes: "15-1252.00", or "15-1252" meaning "15-1252.00".
const ValueFormat& occupation_code_format();

// Throws ApiError (400) with the message a client sees, or returns the typed call.
// `segments`: the raw values of the route's {names}, from RouteTable::match.
Call bind_call(const Route& route, const Request& req, const std::vector<std::string>& segments);

// "a number from 0 to 7", "an integer from 1 to 100", "true or false", "onet, llm or refined":
// what a parameter accepts, for messages and docs.
std::string expected_text(const RouteParam& p);

}  // namespace api
