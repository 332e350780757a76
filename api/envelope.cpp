#include "api/envelope.hpp"

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

Response error_response(const ErrorSpec& e, bool skill_gap_shape) {
  api::json result = api::json::object();
  if (skill_gap_shape) result["skill_gaps"] = api::json::array();
  api::json body = {{"success", false}, {"error", e.error}, {"message", e.message}, {"result", result}};
  return json_response(e.status, body);
}

std::string skill_gap_message(const gap::GapResultBatch& r) {
  return "Successfully identified skill gap from '" + r.from->title + "' to '" + r.to->title + "' based on 'LV' scale.";
}

api::json skill_gap_result(const gap::GapResultBatch& r) {
  const auto& opts = r.request->options;
  api::json gaps = api::json::array();
  for (const auto& g : r.result.gaps) {
    api::json j = {{"element_id", g.element_id},
                        {"element_name", g.element_name},
                        {"scale_id", g.scale_id},
                        {"from_data_value", g.from_value},
                        {"to_data_value", g.to_value},
                        {"gap", g.gap},
                        {"importance", g.importance ? api::json(*g.importance) : api::json(nullptr)},
                        {"from_missing", g.from_missing}};
    if (opts.include_not_relevant) j["not_relevant"] = g.not_relevant;
    gaps.push_back(std::move(j));
  }
  api::json options = {{"min_gap", opts.min_gap},
                            {"min_importance", opts.min_importance ? api::json(*opts.min_importance) : api::json(nullptr)},
                            {"include_not_relevant", opts.include_not_relevant},
                            {"source", opts.source ? api::json(std::string(gap::to_string(*opts.source))) : api::json("auto")},
                            {"domain", std::string(gap::to_string(opts.domain))}};
  return {{"from_occupation_code", r.from->code},
          {"from_occupation_title", r.from->title},
          {"to_occupation_code", r.to->code},
          {"to_occupation_title", r.to->title},
          {"scale_id", "LV"},
          {"domain", std::string(gap::to_string(opts.domain))},
          {"value_source", std::string(gap::to_string(r.result.source))},
          {"onet_release", r.version.release.empty() ? api::json(nullptr) : api::json(r.version.release)},
          {"load_run_id", r.version.load_run_id},
          {"from_source", r.from->source},
          {"to_source", r.to->source},
          {"required_count", r.result.required},
          {"gap_count", r.result.gaps.size()},
          {"options", std::move(options)},
          {"skill_gaps", std::move(gaps)}};
}

}  // namespace api
