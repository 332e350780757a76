#include "api/envelope.hpp"

#include <iterator>

#include <fmt/format.h>

#include "api/explain_json.hpp"
#include "api/query.hpp"
#include "common/json_text.hpp"
#include "nodes/gap/batches.hpp"

namespace api {

Response json_response(int status, const api::json& body) {
  Response r;
  r.status = status;
  // Replace, never throw, on invalid UTF-8: inputs are validated before they reach a message,
  // and a response must not fail because of a stored byte.
  r.body = body.dump(-1, ' ', false, api::json::error_handler_t::replace);
  return r;
}

Response success(std::string message, api::json result) {
  api::json body = {{"success", true}, {"message", std::move(message)}, {"result", std::move(result)}};
  return json_response(200, body);
}

Response error_response(const ErrorSpec& e, const char* empty_list) {
  api::json result = api::json::object();
  if (empty_list) result[empty_list] = api::json::array();
  api::json body = {{"success", false}, {"error", e.error}, {"message", e.message}, {"result", result}};
  return json_response(e.status, body);
}

std::string skill_gap_message(const gap::GapResultBatch& r) {
  const std::string what = gap::compared_domains_noun(*r.to, r.request->options, r.result.source);
  return "Successfully identified " + what + " gap from '" + r.from->title + "' to '" + r.to->title + "' based on 'LV' scale.";
}

// One home for both (common/json_text.hpp); kept under these names for the writers here.
void append_json_string(std::string& out, std::string_view s) { common::append_json_string(out, s); }

void append_json_number(std::string& out, double v) { common::append_json_number(out, v); }

Response skill_gap_success(const gap::GapResultBatch& r) {
  const auto& opts = r.request->options;
  std::string o;
  o.reserve(512 + r.result.gaps.size() * 200);
  auto key = [&](const char* k) {
    o += '"';
    o += k;
    o += "\":";
  };
  auto str = [&](const char* k, std::string_view v) {
    key(k);
    append_json_string(o, v);
    o += ',';
  };
  auto num = [&](const char* k, double v) {
    key(k);
    append_json_number(o, v);
    o += ',';
  };
  auto integer = [&](const char* k, long long v) {
    key(k);
    fmt::format_to(std::back_inserter(o), "{},", v);
  };
  auto boolean = [&](const char* k, bool v) {
    key(k);
    o += v ? "true," : "false,";
  };
  auto opt_num = [&](const char* k, const std::optional<double>& v) {
    if (v) return num(k, *v);
    key(k);
    o += "null,";
  };
  o += "{\"success\":true,";
  str("message", skill_gap_message(r));
  o += "\"result\":{";
  str("from_occupation_code", r.from->code);
  str("from_occupation_title", r.from->title);
  str("to_occupation_code", r.to->code);
  str("to_occupation_title", r.to->title);
  str("scale_id", "LV");
  str("domain", gap::to_string(opts.domain));
  // One name when both sides read the same values, else "mixed" (from_/to_value_source say which).
  str("value_source", r.result.from_source == r.result.to_source ? gap::to_string(r.result.source) : "mixed");
  str("from_value_source", gap::to_string(r.result.from_source));
  str("to_value_source", gap::to_string(r.result.to_source));
  if (r.version.release.empty())
    o += "\"onet_release\":null,";
  else
    str("onet_release", r.version.release);
  integer("load_run_id", r.version.load_run_id);
  str("from_source", r.from->source);
  str("to_source", r.to->source);
  boolean("from_values_estimated", r.result.from_estimated);
  boolean("to_values_estimated", r.result.to_estimated);
  if (r.result.from_estimated || r.result.to_estimated) {
    // Said in words too: HR software shows the message and note, not the flags.
    std::string note;
    auto side = [&](const gap::OccupationProfile& p, gap::ValueSource s) {
      if (!note.empty()) note += " ";
      if (s == gap::ValueSource::Estimate) {
        note += p.title + " has no O*NET ratings here; its levels are estimated from the " + std::to_string(p.neighbours.size()) +
                " most similar rated occupations by O*NET's own text";
        std::string names;
        for (std::size_t i = 0; i < p.neighbours.size() && i < 3; ++i) names += (i ? ", " : "") + p.neighbours[i].title;
        if (!names.empty()) note += " (" + names + (p.neighbours.size() > 3 ? ", ..." : "") + ")";
        note += ", with a standard deviation and an 80 % interval per value.";
      } else {
        note += "The skill levels of '" + p.title + "' are model estimates (calibrated LLM levels), not O*NET survey ratings.";
      }
    };
    if (r.result.from_estimated) side(*r.from, r.result.from_source);
    if (r.result.to_estimated && r.to->code != r.from->code) side(*r.to, r.result.to_source);
    str("note", note);
  }
  integer("required_count", static_cast<long long>(r.result.required));
  integer("gap_count", static_cast<long long>(r.result.gaps.size()));
  o += "\"options\":{";
  num("min_gap", opts.min_gap);
  if (opts.min_importance)
    num("min_importance", *opts.min_importance);
  else
    o += "\"min_importance\":null,";
  boolean("include_not_relevant", opts.include_not_relevant);
  boolean("significant_only", opts.significant_only);
  str("source", opts.source ? gap::to_string(*opts.source) : std::string_view("auto"));
  key("domain");
  append_json_string(o, gap::to_string(opts.domain));
  o += "},\"skill_gaps\":[";
  bool first = true;
  for (const auto& g : r.result.gaps) {
    if (!first) o += ',';
    first = false;
    o += '{';
    str("element_id", g.element_id);
    str("element_name", g.element_name);
    str("scale_id", g.scale_id);
    num("from_data_value", g.from_value);
    num("to_data_value", g.to_value);
    num("gap", g.gap);
    if (g.importance)
      num("importance", *g.importance);
    else
      o += "\"importance\":null,";
    key("from_missing");
    o += g.from_missing ? "true," : "false,";
    str("from_value_source", gap::to_string(g.from_source));
    str("to_value_source", gap::to_string(g.to_source));
    boolean("from_estimated", g.from_estimated);
    boolean("to_estimated", g.to_estimated);
    opt_num("from_sd", g.from_sd);
    opt_num("to_sd", g.to_sd);
    if (g.from_lower && g.from_upper)
      fmt::format_to(std::back_inserter(o), "\"from_interval\":[{},{}],", *g.from_lower, *g.from_upper);
    if (g.to_lower && g.to_upper) fmt::format_to(std::back_inserter(o), "\"to_interval\":[{},{}],", *g.to_lower, *g.to_upper);
    key("significant");
    o += !g.significant ? "null," : *g.significant ? "true," : "false,";
    key("estimated");
    o += g.estimated ? "true" : "false";
    if (opts.include_not_relevant) {
      o += ',';
      key("not_relevant");
      o += g.not_relevant ? "true" : "false";
    }
    append_gap_explanation(o, r, g);
    o += '}';
  }
  o += ']';
  append_result_explanation(o, r);
  o += "}}";
  Response resp;
  resp.body = std::move(o);
  return resp;
}

}  // namespace api
