// GET /skill-gap: the validated query becomes a gap.request for the skill_gap subgraph
// (pipelines/skill_gap.yaml), which owns the request from there on.
#include "api/envelope.hpp"
#include "api/errors.hpp"
#include "api/handlers.hpp"
#include "engine/service.hpp"
#include "nodes/gap/batches.hpp"

namespace api::handlers {

void skill_gap(ApiContext& c, const Call& call, const Reply& reply) {
  const auto& q = call.query;
  auto g = std::make_shared<gap::GapRequest>();
  g->from_code = q.str("from");
  g->to_code = q.str("to");
  auto& o = g->options;
  o.min_gap = q.number("min_gap");
  if (q.has("min_importance")) o.min_importance = q.number("min_importance");
  o.include_not_relevant = q.flag("include_not_relevant");
  o.significant_only = q.flag("significant_only");
  if (q.has("source")) o.source = gap::parse_value_source(q.str("source"));
  o.domain = gap::parse_domain(q.str("domain")).value_or(gap::Domain::Skills);

  // Both lookups read this one snapshot, so the two sides never come from different datasets.
  g->snapshot = c.cache().snapshot();
  if (!g->snapshot) throw ApiError::no_dataset(c.cache().status().last_check_ok);
  if (o.domain == gap::Domain::Knowledge && !g->snapshot->has_knowledge()) {
    throw ApiError::bad_request("domain_not_loaded",
                                "Error: Knowledge ratings are not loaded, so domain=knowledge is unavailable.");
  }
  // The subgraph owns the rest: a lookup from the cache answers before submit() returns; one
  // that needs O*NET Web Services answers later, from the engine's threads.
  c.service().submit(g, c.skill_gap_deadline(), [reply](const dag::BatchPtr& out, const std::exception_ptr& error) {
    if (error) return reply.fail(error);
    try {
      reply.send(skill_gap_success(*dag::batch_cast<gap::GapResultBatch>(out)));
    } catch (...) {
      reply.fail(std::current_exception());
    }
  });
}

}  // namespace api::handlers
