#pragma once
// The handlers the route table (api/routes.cpp) points at, one file per group:
//   skill_gap_route.cpp    /skill-gap
//   transitions_route.cpp  /transitions
//   occupation_routes.cpp  /occupations, /occupations/{code}
//   ops_routes.cpp         /healthz, /readyz, /metrics, /openapi.json
//   web_page.cpp           /, /app.js, /style.css
// A handler gets the call already validated (typed query, normalized path parameters) and
// answers through the Reply; it throws ApiError or lets the subgraph's typed errors through
// for api/errors.cpp to map.
#include "api/api_context.hpp"
#include "api/route.hpp"
#include "api/web_assets.hpp"

namespace api::handlers {

void skill_gap(ApiContext& c, const Call& call, const Reply& reply);

void transitions(ApiContext& c, const Call& call, const Reply& reply);

void search_occupations(ApiContext& c, const Call& call, const Reply& reply);
void occupation(ApiContext& c, const Call& call, const Reply& reply);
bool occupation_needs_remote(ApiContext& c, const Call& call);

void healthz(ApiContext& c, const Call& call, const Reply& reply);
void readyz(ApiContext& c, const Call& call, const Reply& reply);
void metrics(ApiContext& c, const Call& call, const Reply& reply);
void openapi(ApiContext& c, const Call& call, const Reply& reply);

void web_asset(const WebAsset& asset, const Reply& reply);

}  // namespace api::handlers
