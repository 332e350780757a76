// Operations: GET /healthz, /readyz, /metrics, /openapi.json.
#include "api/app.hpp"
#include "api/envelope.hpp"
#include "api/handlers.hpp"
#include "nodes/sql/database.hpp"

namespace api::handlers {

void healthz(ApiContext&, const Call&, const Reply& reply) { reply.send(success("ok", {{"status", "ok"}})); }

void readyz(ApiContext& c, const Call&, const Reply& reply) {
  // Ready means "can answer /skill-gap": a cached dataset is served while the database is down,
  // so a database restart must not take every replica out of a load balancer. The body says
  // the database is down and since when; /metrics has skillgap_database_up for alerting.
  auto st = c.cache().status();
  const bool serving = st.loaded && st.version.load_run_id > 0;
  json down_since = st.down_since ? json(sqldb::utc_iso8601(*st.down_since)) : json(nullptr);
  json result = {{"database", st.last_check_ok ? "up" : "down"},
                 {"database_down_since", down_since},
                 {"dataset_loaded", serving},
                 {"load_run_id", st.version.load_run_id},
                 {"onet_release", st.version.release.empty() ? json(nullptr) : json(st.version.release)},
                 {"occupations", st.profiles}};
  if (serving && st.last_check_ok) return reply.send(success("ready", std::move(result)));
  if (serving) {
    return reply.send(success("ready: serving the cached dataset (load run " + std::to_string(st.version.load_run_id) +
                                  "); the database is down" +
                                  (st.down_since ? " since " + down_since.get<std::string>() : std::string()),
                              std::move(result)));
  }
  std::string msg = "Error: Not ready: ";
  if (!st.last_check_ok) msg += "the database did not answer the last check; ";
  msg += "no completed load run is loaded.";
  // Not an ApiError: a not-ready answer still carries the readiness figures in `result`.
  json body = {{"success", false}, {"error", "not_ready"}, {"message", msg}, {"result", std::move(result)}};
  auto r = json_response(503, body);
  r.headers.emplace_back("Retry-After", "5");
  reply.send(std::move(r));
}

void metrics(ApiContext& c, const Call&, const Reply& reply) {
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = c.metrics().render(c.cache().status());
  reply.send(std::move(r));
}

void openapi(ApiContext&, const Call&, const Reply& reply) {
  Response r;
  r.body = App::openapi_document();
  reply.send(std::move(r));
}

}  // namespace api::handlers
