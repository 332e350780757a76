#pragma once
// The OpenAPI document the server serves at /openapi.json: api/openapi.json (summaries,
// responses, schemas: prose that only a person writes) with every route's `parameters`
// generated from the route table, so the two cannot disagree. The file keeps the same
// parameters for readers; a test checks they equal the generated ones.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/route.hpp"

namespace api {

// The OpenAPI parameter objects of a route: path parameters, then the query's, in table order.
nlohmann::ordered_json openapi_parameters(const Route& r);

// `file`: the text of api/openapi.json. Throws nlohmann::json::exception when it is not JSON.
nlohmann::ordered_json openapi_with_parameters(std::string_view file, const RouteTable& table);

}  // namespace api
