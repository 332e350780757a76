// GET /transitions: where someone in occupation `from` can move — every occupation of the
// pinned snapshot ranked by nodes/gap/transitions.hpp, answered without touching the database.
#include "api/envelope.hpp"
#include "api/errors.hpp"
#include "api/handlers.hpp"
#include "common/json_text.hpp"
#include "nodes/gap/transition_params.hpp"
#include "nodes/gap/transitions_json.hpp"

namespace api::handlers {

void transitions(ApiContext& c, const Call& call, const Reply& reply) {
  const auto opts = gap::transition_options(call.query);
  // One snapshot for the whole answer: the ranking and every gap behind it.
  auto snap = c.cache().snapshot();
  if (!snap) throw ApiError::no_dataset(c.cache().status().last_check_ok);
  if (opts.domain != gap::TransitionDomain::Skills && !snap->has_knowledge()) {
    throw ApiError::bad_request("domain_not_loaded", "Error: Knowledge ratings are not loaded, so domain=" +
                                                         std::string(gap::to_string(opts.domain)) + " is unavailable.");
  }
  const auto result = gap::rank_transitions(snap->similarity(), call.query.str("from"), opts);
  // Written directly, like /skill-gap: the envelope around the result object the JSONL shares.
  Response r;
  r.status = 200;
  r.body.reserve(1024 + result.transitions.size() * 1200);
  r.body += "{\"success\":true,\"message\":";
  common::append_json_string(r.body, gap::transitions_message(result));
  r.body += ",\"result\":";
  gap::append_transitions_json(r.body, result, snap->version());
  r.body += '}';
  reply.send(std::move(r));
}

}  // namespace api::handlers
