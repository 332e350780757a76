#include "api/query_params.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "api/errors.hpp"
#include "api/query.hpp"
#include "common/text.hpp"
#include "nodes/gap/occupation_code.hpp"

namespace api {

const ValueFormat& occupation_code_format() {
  static const ValueFormat f{"occupation code",
                             "invalid_occupation_code",
                             "NN-NNNN.NN or NN-NNNN",
                             [](std::string_view s) { return gap::normalize_occupation_code(s); },
                             {{"$ref", "#/components/schemas/OccupationCode"}}};
  return f;
}

namespace {

std::string number_text(double v) { return fmt::format("{}", v); }

std::string or_list(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

std::string range_text(const dag::ParamSpec& s) {
  if (s.min && s.max) return " from " + number_text(*s.min) + " to " + number_text(*s.max);
  if (s.min) return " of at least " + number_text(*s.min);
  if (s.max) return " of at most " + number_text(*s.max);
  return "";
}

// Strict numbers: all of the text, finite, within the spec's range.
std::optional<double> parse_number(const std::string& s, const dag::ParamSpec& spec) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  if ((spec.min && v < *spec.min) || (spec.max && v > *spec.max)) return std::nullopt;
  return v;
}

std::optional<std::int64_t> parse_integer(const std::string& s, const dag::ParamSpec& spec) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  if ((spec.min && static_cast<double>(v) < *spec.min) || (spec.max && static_cast<double>(v) > *spec.max)) return std::nullopt;
  return v;
}

std::optional<bool> parse_flag(const std::string& s) {
  if (s == "true" || s == "1") return true;
  if (s == "false" || s == "0") return false;
  return std::nullopt;
}

[[noreturn]] void refuse(const RouteParam& p, const std::string& value) {
  if (p.format) {
    throw ApiError::bad_request(p.format->error, "Error: Invalid " + p.format->noun + " '" + shorten(value) +
                                                     "' for parameter '" + p.spec.name + "' (expected " + p.format->expected +
                                                     ").");
  }
  throw ApiError::bad_request("invalid_parameter", "Error: Invalid value '" + shorten(value) + "' for parameter '" + p.spec.name +
                                                       "' (expected " + expected_text(p) + ").");
}

// The typed value of `value` under `p`, or a 400 naming it.
dag::ParamValue typed(const RouteParam& p, const std::string& value) {
  switch (p.spec.type) {
    case dag::ParamType::Float:
      if (auto v = parse_number(value, p.spec)) return *v;
      break;
    case dag::ParamType::Int:
      if (auto v = parse_integer(value, p.spec)) return *v;
      break;
    case dag::ParamType::Bool:
      if (auto v = parse_flag(value)) return *v;
      break;
    case dag::ParamType::Enum:
      if (std::find(p.spec.choices.begin(), p.spec.choices.end(), value) != p.spec.choices.end()) return value;
      break;
    default:
      if (p.max_bytes && value.size() > *p.max_bytes) {
        throw ApiError::bad_request("parameter_too_long", "Error: Parameter '" + p.spec.name + "' is too long (at most " +
                                                              std::to_string(*p.max_bytes) + " bytes).");
      }
      if (!p.format) return value;
      if (auto v = p.format->normalize(value)) return *v;
      break;
  }
  refuse(p, value);
}

void check_query(const Route& route, const std::string& raw, dag::Params& out) {
  auto parsed = parse_query(raw);
  if (auto* problem = std::get_if<QueryProblem>(&parsed)) throw ApiError::bad_request(problem->error, problem->message);
  std::map<std::string, std::string> given;
  for (auto& qp : std::get<std::vector<QueryParam>>(parsed)) {
    const bool known =
        std::any_of(route.query.begin(), route.query.end(), [&](const RouteParam& p) { return p.spec.name == qp.name; });
    if (!known) {
      std::set<std::string> names;
      for (const auto& p : route.query) names.insert(p.spec.name);
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw ApiError::bad_request("unknown_parameter",
                                  "Error: Unknown parameter '" + shorten(qp.name) + "'" +
                                      (list.empty() ? " (this endpoint takes none)." : " (allowed: " + list + ")."));
    }
    if (!given.emplace(qp.name, std::move(qp.value)).second) {
      throw ApiError::bad_request("repeated_parameter", "Error: Parameter '" + qp.name + "' is given more than once.");
    }
  }
  // Required parameters, absent or empty, are named together (the list is made only then).
  bool missing = false;
  for (const auto& p : route.query) {
    if (!p.spec.required) continue;
    auto it = given.find(p.spec.name);
    missing = missing || it == given.end() || it->second.empty();
  }
  if (missing) {
    std::vector<std::string> required;
    const ValueFormat* shared_format = nullptr;
    for (const auto& p : route.query) {
      if (!p.spec.required) continue;
      required.push_back("'" + p.spec.name + "'");
      shared_format = required.size() == 1 || shared_format == p.format ? p.format : nullptr;
    }
    throw ApiError::bad_request("missing_parameter", "Error: Missing " + or_list(required) + " " +
                                                         (shared_format ? shared_format->noun + " " : "") + "parameter.");
  }
  for (const auto& p : route.query) {
    auto it = given.find(p.spec.name);
    if (it != given.end()) {
      out.set(p.spec.name, typed(p, it->second));
    } else if (p.spec.default_value) {
      out.set(p.spec.name, typed(p, *p.spec.default_value));
    }
  }
}

}  // namespace

std::string expected_text(const RouteParam& p) {
  if (p.format) return p.format->expected;
  switch (p.spec.type) {
    case dag::ParamType::Float:
      return "a number" + range_text(p.spec);
    case dag::ParamType::Int:
      return "an integer" + range_text(p.spec);
    case dag::ParamType::Bool:
      return "true or false";
    case dag::ParamType::Enum:
      return or_list(p.spec.choices);
    default:
      return p.max_bytes ? "text of at most " + std::to_string(*p.max_bytes) + " bytes" : "text";
  }
}

Call bind_call(const Route& route, const Request& req, const std::vector<std::string>& segments) {
  Call call;
  call.request = req;
  if (!route.any_query) check_query(route, req.query, call.query);
  for (std::size_t i = 0; i < route.path_params.size(); ++i) {
    const auto& p = route.path_params[i];
    const std::string noun = p.format ? p.format->noun : "parameter '" + p.spec.name + "'";
    auto decoded = common::percent_decode(segments.at(i), false);
    if (!decoded || !valid_utf8(*decoded))
      throw ApiError::bad_request("bad_encoding", "Error: Malformed " + noun + " in the path.");
    std::string value = *decoded;
    if (p.format) {
      auto normal = p.format->normalize(value);
      if (!normal) {
        throw ApiError::bad_request(p.format->error, "Error: Invalid " + noun + " '" + shorten(printable(value)) +
                                                         "' (expected " + p.format->expected + ").");
      }
      value = std::move(*normal);
    }
    call.path[p.spec.name] = std::move(value);
  }
  return call;
}

}  // namespace api
