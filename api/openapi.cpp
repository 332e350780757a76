#include "api/openapi.hpp"

#include <cmath>

namespace api {

namespace {

using ojson = nlohmann::ordered_json;

// 7 rather than 7.0 where the value is integral: the document reads as written by hand.
ojson number(double v) {
  if (std::floor(v) == v && std::abs(v) < 1e15) return static_cast<std::int64_t>(v);
  return v;
}

ojson schema_of(const RouteParam& p) {
  if (p.format) return p.format->schema;
  const auto& s = p.spec;
  ojson j;
  switch (s.type) {
    case dag::ParamType::Float:
    case dag::ParamType::Int:
      j["type"] = s.type == dag::ParamType::Int ? "integer" : "number";
      if (s.min) j["minimum"] = number(*s.min);
      if (s.max) j["maximum"] = number(*s.max);
      if (s.default_value) j["default"] = number(std::stod(*s.default_value));
      break;
    case dag::ParamType::Bool:
      j["type"] = "boolean";
      if (s.default_value) j["default"] = *s.default_value == "true" || *s.default_value == "1";
      break;
    case dag::ParamType::Enum:
      j["type"] = "string";
      j["enum"] = s.choices;
      if (s.default_value) j["default"] = *s.default_value;
      break;
    default:
      j["type"] = "string";
      if (p.max_bytes) j["maxLength"] = *p.max_bytes;
      if (s.default_value) j["default"] = *s.default_value;
  }
  return j;
}

ojson parameter(const RouteParam& p, const char* in) {
  ojson j;
  j["name"] = p.spec.name;
  j["in"] = in;
  j["required"] = p.spec.required || std::string_view(in) == "path";
  if (!p.spec.description.empty()) j["description"] = p.spec.description;
  j["schema"] = schema_of(p);
  return j;
}

}  // namespace

ojson openapi_parameters(const Route& r) {
  ojson list = ojson::array();
  for (const auto& p : r.path_params) list.push_back(parameter(p, "path"));
  for (const auto& p : r.query) list.push_back(parameter(p, "query"));
  return list;
}

ojson openapi_with_parameters(std::string_view file, const RouteTable& table) {
  auto doc = ojson::parse(file);
  for (const auto& r : table.routes()) {
    if (!r.documented) continue;
    auto& get = doc["paths"][r.path]["get"];
    auto params = openapi_parameters(r);
    if (params.empty())
      get.erase("parameters");
    else
      get["parameters"] = std::move(params);
  }
  return doc;
}

}  // namespace api
