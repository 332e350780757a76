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
  Response resp;
  // Written straight into the body's buffer (common::JsonText): an answer with its explanations
  // runs to ~16 KB of a few thousand pieces. Sized so that it never grows on the real data: over
  // 300 random pairs of O*NET 29.2 a gap row with its anchors took 711 B on average (861 at
  // most) and the rest of the answer 4.6 KB (10.3 KB at most, with ten technology gaps). The
  // earlier 4 KB + 450 B a gap was short for 9 answers in 10, and each grow zero-fills and
  // copies the buffer (a fifth of the writer's instructions).
  common::JsonText o(resp.body, 6144 + r.result.gaps.size() * 800);
  auto src = [&](gap::ValueSource v) {  // the names are identifiers: no escaping needed
    o.ch('"');
    o.raw(gap::to_string(v));
    o.lit("\",");
  };
  o.lit("{\"success\":true,");
  o.key("message");
  o.string(skill_gap_message(r));
  o.lit(",\"result\":{");
  o.key("from_occupation_code");
  o.string(r.from->code);
  o.lit(",\"from_occupation_title\":");
  o.string(r.from->title);
  o.lit(",\"to_occupation_code\":");
  o.string(r.to->code);
  o.lit(",\"to_occupation_title\":");
  o.string(r.to->title);
  o.lit(",\"scale_id\":\"LV\",\"domain\":");
  o.string(gap::to_string(opts.domain));
  // One name when both sides read the same values, else "mixed" (from_/to_value_source say which).
  o.lit(",\"value_source\":");
  o.string(r.result.from_source == r.result.to_source ? gap::to_string(r.result.source) : "mixed");
  o.lit(",\"from_value_source\":");
  src(r.result.from_source);
  o.key("to_value_source");
  src(r.result.to_source);
  o.key("onet_release");
  if (r.version.release.empty())
    o.null();
  else
    o.string(r.version.release);
  o.lit(",\"load_run_id\":");
  o.integer(r.version.load_run_id);
  o.lit(",\"from_source\":");
  o.string(r.from->source);
  o.lit(",\"to_source\":");
  o.string(r.to->source);
  o.lit(",\"from_values_estimated\":");
  o.boolean(r.result.from_estimated);
  o.lit(",\"to_values_estimated\":");
  o.boolean(r.result.to_estimated);
  o.ch(',');
  if (r.result.from_estimated || r.result.to_estimated) {
    // Said in words too: HR software shows the message and note, not the flags.
    std::string note;
    auto side = [&](const gap::OccupationProfile& p, gap::ValueSource s) {
      if (!note.empty()) note += " ";
      if (s == gap::ValueSource::Estimate) {
        // True of both estimators of nodes/estimate: the kernel ridge weighs every rated
        // occupation by how much it resembles this one; the neighbours' mean uses the listed ones.
        note += p.title + " has no O*NET ratings here; its levels are estimated from O*NET's own text, from the rated " +
                "occupations it resembles most";
        std::string names;
        for (std::size_t i = 0; i < p.neighbours.size() && i < 3; ++i) names += (i ? ", " : "") + p.neighbours[i].title;
        if (!names.empty()) {
          note += " (the " + std::to_string(p.neighbours.size()) + " most similar: " + names +
                  (p.neighbours.size() > 3 ? ", ..." : "") + ")";
        }
        note += ", with a standard deviation and an 80 % interval per value.";
      } else {
        note += "The skill levels of '" + p.title + "' are model estimates (calibrated LLM levels), not O*NET survey ratings.";
      }
    };
    if (r.result.from_estimated) side(*r.from, r.result.from_source);
    if (r.result.to_estimated && r.to->code != r.from->code) side(*r.to, r.result.to_source);
    o.key("note");
    o.string(note);
    o.ch(',');
  }
  o.key("required_count");
  o.integer(static_cast<long long>(r.result.required));
  o.lit(",\"gap_count\":");
  o.integer(static_cast<long long>(r.result.gaps.size()));
  o.lit(",\"options\":{\"min_gap\":");
  o.number(opts.min_gap);
  o.lit(",\"min_importance\":");
  if (opts.min_importance)
    o.number(*opts.min_importance);
  else
    o.null();
  o.lit(",\"include_not_relevant\":");
  o.boolean(opts.include_not_relevant);
  o.lit(",\"significant_only\":");
  o.boolean(opts.significant_only);
  o.lit(",\"source\":");
  o.string(opts.source ? gap::to_string(*opts.source) : std::string_view("auto"));
  o.lit(",\"domain\":");
  o.string(gap::to_string(opts.domain));
  o.lit("},\"skill_gaps\":[");
  bool first = true;
  for (const auto& g : r.result.gaps) {
    if (!first) o.ch(',');
    first = false;
    o.ch('{');
    if (g.element && !g.element->json.empty() && g.element->id == g.element_id && g.element->name == g.element_name) {
      o.raw(g.element->json);  // written once per element (gap::make_element)
    } else {
      o.key("element_id");
      o.string(g.element_id);
      o.lit(",\"element_name\":");
      o.string(g.element_name);
    }
    o.lit(",\"scale_id\":");
    o.string(g.scale_id);
    o.lit(",\"from_data_value\":");
    o.number(g.from_value);
    o.lit(",\"to_data_value\":");
    o.number(g.to_value);
    o.lit(",\"gap\":");
    o.number(g.gap);
    o.lit(",\"importance\":");
    if (g.importance)
      o.number(*g.importance);
    else
      o.null();
    o.lit(",\"from_missing\":");
    o.boolean(g.from_missing);
    o.lit(",\"from_value_source\":");
    src(g.from_source);
    o.key("to_value_source");
    src(g.to_source);
    o.key("from_estimated");
    o.boolean(g.from_estimated);
    o.lit(",\"to_estimated\":");
    o.boolean(g.to_estimated);
    o.lit(",\"from_sd\":");
    if (g.from_sd)
      o.number(*g.from_sd);
    else
      o.null();
    o.lit(",\"to_sd\":");
    if (g.to_sd)
      o.number(*g.to_sd);
    else
      o.null();
    // The intervals are written as fmt writes a double (not the 2-decimal form), as before.
    if (g.from_lower && g.from_upper) {
      o.lit(",\"from_interval\":[");
      o.raw(fmt::format("{},{}", *g.from_lower, *g.from_upper));
      o.ch(']');
    }
    if (g.to_lower && g.to_upper) {
      o.lit(",\"to_interval\":[");
      o.raw(fmt::format("{},{}", *g.to_lower, *g.to_upper));
      o.ch(']');
    }
    o.lit(",\"significant\":");
    if (!g.significant)
      o.null();
    else
      o.boolean(*g.significant);
    o.lit(",\"estimated\":");
    o.boolean(g.estimated);
    if (opts.include_not_relevant) {
      o.lit(",\"not_relevant\":");
      o.boolean(g.not_relevant);
    }
    append_gap_explanation(o, r, g);
    o.ch('}');
  }
  o.ch(']');
  append_result_explanation(o, r);
  o.lit("}}");
  o.finish();
  return resp;
}

}  // namespace api
