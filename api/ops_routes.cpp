// Operations: GET /healthz, /readyz, /metrics, /openapi.json.
#include "api/app.hpp"
#include "api/envelope.hpp"
#include "api/handlers.hpp"

namespace api::handlers {

void healthz(ApiContext&, const Call&, const Reply& reply) { reply.send(success("ok", {{"status", "ok"}})); }

void readyz(ApiContext& c, const Call&, const Reply& reply) {
  auto st = c.cache().status();
  json result = {{"database", st.last_check_ok ? "up" : "down"},
                 {"dataset_loaded", st.loaded && st.version.load_run_id > 0},
                 {"load_run_id", st.version.load_run_id},
                 {"onet_release", st.version.release.empty() ? json(nullptr) : json(st.version.release)},
                 {"occupations", st.profiles}};
  std::vector<std::string> why;
  if (!st.last_check_ok) why.push_back("the database did not answer the last check");
  if (!st.loaded || st.version.load_run_id == 0) why.push_back("no completed load run is loaded");
  if (why.empty()) return reply.send(success("ready", std::move(result)));
  std::string msg = "Error: Not ready: ";
  for (std::size_t i = 0; i < why.size(); ++i) msg += (i ? "; " : "") + why[i];
  msg += ".";
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
