// GET /occupations (title search) and GET /occupations/{code} (one occupation with its ratings).
#include <cmath>

#include "api/envelope.hpp"
#include "api/errors.hpp"
#include "api/explain_json.hpp"
#include "api/handlers.hpp"

namespace api::handlers {

namespace {

std::optional<double> importance_value(const gap::ElementRating& r) {
  if (!r.importance) return std::nullopt;
  if (r.importance->data_value) return r.importance->data_value;
  if (r.importance->refined_value) return r.importance->refined_value;
  return r.importance->llm_value;
}

json opt_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

}  // namespace

void search_occupations(ApiContext& c, const Call& call, const Reply& reply) {
  const auto limit = call.query.integer("limit");
  const std::string q = call.query.str_or("q", "");
  auto snap = c.cache().snapshot();
  if (!snap) throw ApiError::dataset_not_loaded();
  auto hits = snap->find_titles(q, static_cast<std::size_t>(limit));
  json list = json::array();
  for (const auto& h : hits) {
    // Which title matched: a user who typed "RN" sees why Registered Nurses came back.
    json matched = q.empty() ? json(nullptr) : json{{"field", std::string(gap::to_string(h.field))}, {"text", h.matched}};
    list.push_back({{"code", h.occupation.code}, {"title", h.occupation.title}, {"matched", std::move(matched)}});
  }
  reply.send(success("Found " + std::to_string(hits.size()) + " occupation(s).",
                     {{"query", q}, {"limit", limit}, {"count", hits.size()}, {"occupations", std::move(list)}}));
}

void occupation(ApiContext& c, const Call& call, const Reply& reply) {
  const std::string& code = call.path.at("code");
  auto prof = c.cache().lookup(code);
  if (!prof) throw ApiError::occupation_not_found(code);
  json ratings = json::array();
  for (const auto& r : prof->ratings) {
    auto d = gap::domain_of(*r.element);
    ratings.push_back({{"element_id", r.element->id},
                       {"element_name", r.element->name},
                       {"domain", d ? std::string(gap::to_string(*d)) : r.element->domain},
                       {"importance", opt_number(importance_value(r))},
                       {"level", r.level ? opt_number(r.level->data_value) : json(nullptr)},
                       {"level_llm", r.level ? opt_number(r.level->llm_value) : json(nullptr)},
                       {"level_refined", r.level ? opt_number(r.level->refined_value) : json(nullptr)},
                       {"level_estimate", r.level ? opt_number(r.level->estimate) : json(nullptr)},
                       {"level_estimate_sd", r.level ? opt_number(r.level->estimate_sd) : json(nullptr)},
                       {"importance_estimate", r.importance ? opt_number(r.importance->estimate) : json(nullptr)},
                       {"not_relevant", r.level && r.level->not_relevant == 'Y'},
                       {"value_source", r.level ? r.level->value_source : (r.importance ? r.importance->value_source : "")}});
  }
  // The rated occupations its text estimates came from (for an occupation O*NET does not rate,
  // where its answers come from; for a rated one, its leave-one-out estimates).
  json neighbours = json::array();
  for (const auto& n : prof->neighbours) {
    neighbours.push_back({{"code", n.code}, {"title", n.title}, {"similarity", std::round(n.similarity * 1000.0) / 1000.0}});
  }
  const bool rated = prof->has_level_ratings(gap::Domain::Skills, gap::ValueSource::Onet) ||
                     prof->has_level_ratings(gap::Domain::Knowledge, gap::ValueSource::Onet);
  auto snap = c.cache().snapshot();
  const std::string release = snap ? snap->version().release : "";
  json result = {{"code", prof->code},
                 {"title", prof->title},
                 {"description", prof->description},
                 {"source", prof->source},
                 {"rated", rated},
                 {"job_zone", prof->job_zone > 0 ? json(prof->job_zone) : json(nullptr)},
                 {"estimate_neighbours", std::move(neighbours)},
                 {"onet_release", release.empty() ? json(nullptr) : json(release)},
                 {"ratings", std::move(ratings)}};
  if (snap) add_occupation_explanation(result, snap->explanations(), prof->code);
  reply.send(success("Occupation " + prof->code + ": " + prof->title + ".", std::move(result)));
}

bool occupation_needs_remote(ApiContext& c, const Call& call) { return c.cache().needs_remote(call.path.at("code")); }

}  // namespace api::handlers
