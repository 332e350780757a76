#pragma once
// The route table of skillgap-api (api/routes.cpp), built once per process.
#include "api/route.hpp"

namespace api {

const RouteTable& api_routes();

}  // namespace api
