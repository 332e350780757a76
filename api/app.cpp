#include "api/app.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "api/envelope.hpp"
#include "api/query.hpp"
#include "api/web_assets.hpp"
#include "api/work_queue.hpp"
#include "engine/pipeline.hpp"
#include "engine/registry.hpp"
#include "engine/service.hpp"
#include "nodes/gap/batches.hpp"
#include "nodes/gap/errors.hpp"
#include "nodes/gap/occupation_code.hpp"
#include "nodes/sql/database.hpp"

namespace api {

extern const char* const kOpenApiDocument;  // generated from api/openapi.json

namespace {

constexpr const char* kSkillGap = "/skill-gap";
constexpr const char* kOccupations = "/occupations";
constexpr const char* kOccupation = "/occupations/{code}";
constexpr const char* kHealthz = "/healthz";
constexpr const char* kReadyz = "/readyz";
constexpr const char* kMetrics = "/metrics";
constexpr const char* kOpenApi = "/openapi.json";
constexpr const char* kUnmatched = "unmatched";

Response with_route(Response r, const char* route) {
  r.route = route;
  return r;
}

Response retry_later(Response r, int seconds) {
  r.headers.emplace_back("Retry-After", std::to_string(seconds));
  return r;
}

Response bad_request(std::string error, std::string message, bool skill_gap) {
  return error_response({400, std::move(error), std::move(message)}, skill_gap);
}

// Strict numbers: all of the text, finite, within [lo, hi].
std::optional<double> parse_number(const std::string& s, double lo, double hi) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v) || v < lo || v > hi)
    return std::nullopt;
  return v;
}

std::optional<int> parse_int(const std::string& s, int lo, int hi) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi) return std::nullopt;
  return v;
}

std::optional<bool> parse_bool(const std::string& s) {
  if (s == "true" || s == "1") return true;
  if (s == "false" || s == "0") return false;
  return std::nullopt;
}

// Query parameters as a name -> value map, checked against the allowed names; repeated and
// unknown names are errors. On failure `problem` holds the response.
bool params_of(const Request& req, const std::set<std::string>& allowed, bool skill_gap,
               std::map<std::string, std::string>& out, Response& problem) {
  auto parsed = parse_query(req.query);
  if (auto* p = std::get_if<QueryProblem>(&parsed)) {
    problem = bad_request(p->error, p->message, skill_gap);
    return false;
  }
  for (auto& qp : std::get<std::vector<QueryParam>>(parsed)) {
    if (!allowed.count(qp.name)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      problem = bad_request("unknown_parameter",
                            "Error: Unknown parameter '" + shorten(qp.name) + "'" +
                                (list.empty() ? " (this endpoint takes none)." : " (allowed: " + list + ")."),
                            skill_gap);
      return false;
    }
    if (!out.emplace(qp.name, qp.value).second) {
      problem = bad_request("repeated_parameter", "Error: Parameter '" + qp.name + "' is given more than once.", skill_gap);
      return false;
    }
  }
  return true;
}

std::string printable(std::string_view s, std::size_t max = 120) {
  std::string out;
  for (unsigned char c : s.substr(0, max)) out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  if (s.size() > max) out += "...";
  return out;
}

std::optional<double> importance_value(const gap::ElementRating& r) {
  if (!r.importance) return std::nullopt;
  if (r.importance->data_value) return r.importance->data_value;
  if (r.importance->refined_value) return r.importance->refined_value;
  return r.importance->llm_value;
}

api::json opt_number(const std::optional<double>& v) { return v ? api::json(*v) : api::json(nullptr); }

}  // namespace

// ---- construction -----------------------------------------------------------------------------

App::App(AppConfig cfg, std::shared_ptr<spdlog::logger> access_log)
    : cfg_(std::move(cfg)), log_(access_log ? std::move(access_log) : spdlog::default_logger()) {
  auto repo = cfg_.repository ? cfg_.repository : std::make_shared<gap::ProfileRepository>(cfg_.database_url);
  std::shared_ptr<gap::RemoteProfileSource> remote;
  if (cfg_.onet_api) remote = std::make_shared<gap::OnetWsClient>(*cfg_.onet_api, spdlog::default_logger());
  cache_ = std::make_shared<gap::ProfileCache>(std::move(repo), cfg_.cache, std::move(remote), spdlog::default_logger());

  registry_ = std::make_unique<dag::Registry>();
  dag::register_all_nodes(*registry_);
  resources_ = std::make_unique<dag::Resources>();
  resources_->put("profiles", cache_);
  pipeline_ = std::make_unique<dag::ResolvedPipeline>(dag::load_pipeline(cfg_.pipeline, *registry_));
  service_ = std::make_unique<dag::Service>(*pipeline_, *registry_, *resources_);
  slow_lane_ = std::make_unique<WorkQueue>(cfg_.slow_lane_threads, cfg_.slow_lane_capacity);
}

App::~App() {
  slow_lane_.reset();  // answers what it holds first
  service_.reset();
  cache_->stop();
}

void App::start() { cache_->start(); }
void App::stop() { cache_->stop(); }

// ---- routing ----------------------------------------------------------------------------------

const std::vector<RouteInfo>& App::routes() {
  static const std::vector<RouteInfo> r = {{kSkillGap}, {kOccupations}, {kOccupation}, {kHealthz},
                                           {kReadyz},   {kMetrics},     {kOpenApi}};
  return r;
}

const std::string& App::openapi_document() {
  static const std::string doc = kOpenApiDocument;
  return doc;
}

namespace {

// The web page and its assets (api/web/): exact paths, GET only, the query left to the page's
// script (it keeps the selection there). Labelled in metrics by the asset table's path.
std::optional<Response> web_page(const Request& req) {
  for (const auto& a : web_assets()) {
    if (a.path != req.path) continue;
    const std::string route(a.path);
    if (req.method != "GET") {
      auto r = error_response({405, "method_not_allowed", "Error: Method " + printable(req.method, 16) + " is not allowed; use GET."},
                              false);
      r.headers.emplace_back("Allow", "GET");
      return with_route(std::move(r), route.c_str());
    }
    Response r;
    r.content_type = std::string(a.content_type);
    r.body = std::string(a.body);
    r.headers.emplace_back("Cache-Control", "no-cache");
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    if (a.path == "/") {
      // Only this origin: the page makes no request elsewhere, and the browser enforces it.
      r.headers.emplace_back("Content-Security-Policy",
                             "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
                             "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
      r.headers.emplace_back("Referrer-Policy", "no-referrer");
    }
    return with_route(std::move(r), route.c_str());
  }
  return std::nullopt;
}

}  // namespace

Response App::handle(const Request& req) {
  // cpprest dispatches by path prefix; the exact match happens here.
  const std::string& path = req.path;
  if (auto page = web_page(req)) return std::move(*page);
  const char* route = nullptr;
  std::string code_segment;
  if (path == kSkillGap || path == kOccupations || path == kHealthz || path == kReadyz || path == kMetrics ||
      path == kOpenApi) {
    for (const auto& r : routes())
      if (r.path == path) route = r.path.c_str();
  } else if (path.starts_with("/occupations/") && path.size() > 13 && path.find('/', 13) == std::string::npos) {
    route = kOccupation;
    code_segment = path.substr(13);
  }
  if (!route) {
    return with_route(error_response({404, "not_found", "Error: Not found: no endpoint at this path."}, false), kUnmatched);
  }
  const bool is_skill_gap = std::string_view(route) == kSkillGap;
  if (req.method != "GET") {
    auto r = error_response({405, "method_not_allowed", "Error: Method " + printable(req.method, 16) + " is not allowed; use GET."},
                            is_skill_gap);
    r.headers.emplace_back("Allow", "GET");
    return with_route(std::move(r), route);
  }
  try {
    Response r;
    if (is_skill_gap) r = skill_gap(req);
    else if (route == std::string_view(kOccupations)) r = occupations(req);
    else if (route == std::string_view(kOccupation)) r = occupation(req, code_segment);
    else if (route == std::string_view(kHealthz)) r = healthz(req);
    else if (route == std::string_view(kReadyz)) r = readyz(req);
    else if (route == std::string_view(kMetrics)) r = metrics_page(req);
    else r = openapi(req);
    return with_route(std::move(r), route);
  } catch (const std::exception& e) {
    spdlog::error("{} {}: {}", req.method, route, e.what());
    return with_route(error_response({500, "internal_error", "Error: Internal server error."}, is_skill_gap), route);
  }
}

// ---- /skill-gap -------------------------------------------------------------------------------

Response App::skill_gap(const Request& req) {
  static const std::set<std::string> allowed = {"from", "to", "min_gap", "min_importance", "include_not_relevant",
                                                "source", "domain"};
  std::map<std::string, std::string> p;
  Response problem;
  if (!params_of(req, allowed, true, p, problem)) return problem;
  if (p["from"].empty() || p["to"].empty()) {
    return bad_request("missing_parameter", "Error: Missing 'from' or 'to' occupation code parameter.", true);
  }
  auto g = std::make_shared<gap::GapRequest>();
  for (const char* side : {"from", "to"}) {
    auto code = gap::normalize_occupation_code(p[side]);
    if (!code) {
      return bad_request("invalid_occupation_code",
                         "Error: Invalid occupation code '" + shorten(p[side]) + "' for parameter '" + side +
                             "' (expected NN-NNNN.NN or NN-NNNN).",
                         true);
    }
    (std::string_view(side) == "from" ? g->from_code : g->to_code) = *code;
  }
  auto invalid = [](const std::string& name, const std::string& value, const std::string& expected) {
    return bad_request("invalid_parameter",
                       "Error: Invalid value '" + shorten(value) + "' for parameter '" + name + "' (expected " + expected + ").",
                       true);
  };
  auto& o = g->options;
  if (auto it = p.find("min_gap"); it != p.end()) {
    auto v = parse_number(it->second, 0, 7);
    if (!v) return invalid("min_gap", it->second, "a number from 0 to 7");
    o.min_gap = *v;
  }
  if (auto it = p.find("min_importance"); it != p.end()) {
    auto v = parse_number(it->second, 0, 5);
    if (!v) return invalid("min_importance", it->second, "a number from 0 to 5");
    o.min_importance = *v;
  }
  if (auto it = p.find("include_not_relevant"); it != p.end()) {
    auto v = parse_bool(it->second);
    if (!v) return invalid("include_not_relevant", it->second, "true or false");
    o.include_not_relevant = *v;
  }
  if (auto it = p.find("source"); it != p.end()) {
    auto v = gap::parse_value_source(it->second);
    if (!v) return invalid("source", it->second, "onet, llm or refined");
    o.source = *v;
  }
  if (auto it = p.find("domain"); it != p.end()) {
    auto v = gap::parse_domain(it->second);
    if (!v) return invalid("domain", it->second, "skills or knowledge");
    o.domain = *v;
  }

  g->snapshot = cache_->snapshot();
  if (!g->snapshot) {
    const bool db_up = cache_->status().last_check_ok;
    return retry_later(error_response({503, db_up ? "dataset_not_loaded" : "database_unavailable",
                                       db_up ? "Error: No dataset is loaded yet; try again shortly."
                                             : "Error: The database is unavailable; try again shortly."},
                                      true),
                       5);
  }
  if (o.domain == gap::Domain::Knowledge && !g->snapshot->has_knowledge()) {
    return bad_request("domain_not_loaded", "Error: Knowledge ratings are not loaded, so domain=knowledge is unavailable.", true);
  }

  const auto t0 = std::chrono::steady_clock::now();
  try {
    auto out = service_->call(g, cfg_.request_timeout);
    auto r = dag::batch_cast<gap::GapResultBatch>(out);
    return skill_gap_success(*r);
  } catch (const gap::UnknownOccupation& e) {
    return error_response({404, "occupation_not_found", "Error: Occupation code " + e.code() + " not found."}, true);
  } catch (const gap::NoRatings& e) {
    const std::string what = e.domain() == "knowledge" ? "knowledge" : "skill";
    return error_response({404, "no_ratings", "Error: Occupation code " + e.code() + " (" + e.title() + ") has no " + what +
                                                  " ratings" +
                                                  (o.source ? " from source '" + std::string(gap::to_string(*o.source)) + "'" : "") +
                                                  ", so no skill gap can be computed."},
                          true);
  } catch (const gap::NotLoaded&) {
    return retry_later(error_response({503, "dataset_not_loaded", "Error: No dataset is loaded yet; try again shortly."}, true), 5);
  } catch (const sqldb::DatabaseUnavailable& e) {
    spdlog::warn("/skill-gap: {}", e.what());
    return retry_later(error_response({503, "database_unavailable", "Error: The database is unavailable; try again shortly."}, true), 5);
  } catch (const gap::RemoteUnavailable& e) {
    spdlog::warn("/skill-gap: {}", e.what());
    return retry_later(error_response({503, "onet_api_unavailable",
                                       "Error: The occupation is not in the local database and O*NET Web Services could not be reached; try again later."},
                                      true),
                       30);
  } catch (const std::runtime_error& e) {
    if (std::chrono::steady_clock::now() - t0 >= cfg_.request_timeout) {
      spdlog::warn("/skill-gap: {}", e.what());
      return retry_later(error_response({503, "busy", "Error: The server is too busy to answer in time; try again."}, true), 1);
    }
    throw;
  }
}

// ---- /occupations -----------------------------------------------------------------------------

Response App::occupations(const Request& req) {
  std::map<std::string, std::string> p;
  Response problem;
  if (!params_of(req, {"q", "limit"}, false, p, problem)) return problem;
  int limit = 20;
  if (auto it = p.find("limit"); it != p.end()) {
    auto v = parse_int(it->second, 1, 100);
    if (!v) {
      return bad_request("invalid_parameter",
                         "Error: Invalid value '" + shorten(it->second) + "' for parameter 'limit' (expected an integer from 1 to 100).",
                         false);
    }
    limit = *v;
  }
  const std::string q = p["q"];
  if (q.size() > 100) return bad_request("parameter_too_long", "Error: Parameter 'q' is too long (at most 100 bytes).", false);
  auto snap = cache_->snapshot();
  if (!snap) {
    return retry_later(error_response({503, "dataset_not_loaded", "Error: No dataset is loaded yet; try again shortly."}, false), 5);
  }
  auto hits = snap->search(q, static_cast<std::size_t>(limit));
  api::json list = api::json::array();
  for (const auto& h : hits) list.push_back({{"code", h.code}, {"title", h.title}});
  return success("Found " + std::to_string(hits.size()) + " occupation(s).",
                 {{"query", q}, {"limit", limit}, {"count", hits.size()}, {"occupations", std::move(list)}});
}

Response App::occupation(const Request& req, const std::string& raw_code) {
  std::map<std::string, std::string> p;
  Response problem;
  if (!params_of(req, {}, false, p, problem)) return problem;
  auto decoded = percent_decode(raw_code, false);
  if (!decoded || !valid_utf8(*decoded)) return bad_request("bad_encoding", "Error: Malformed occupation code in the path.", false);
  auto code = gap::normalize_occupation_code(*decoded);
  if (!code) {
    return bad_request("invalid_occupation_code",
                       "Error: Invalid occupation code '" + shorten(printable(*decoded)) + "' (expected NN-NNNN.NN or NN-NNNN).", false);
  }
  gap::ProfilePtr prof;
  try {
    prof = cache_->lookup(*code);
  } catch (const gap::NotLoaded&) {
    return retry_later(error_response({503, "dataset_not_loaded", "Error: No dataset is loaded yet; try again shortly."}, false), 5);
  } catch (const gap::RemoteUnavailable& e) {
    spdlog::warn("/occupations/{{code}}: {}", e.what());
    return retry_later(error_response({503, "onet_api_unavailable",
                                       "Error: The occupation is not in the local database and O*NET Web Services could not be reached; try again later."},
                                      false),
                       30);
  }
  if (!prof) return error_response({404, "occupation_not_found", "Error: Occupation code " + *code + " not found."}, false);
  api::json ratings = api::json::array();
  for (const auto& r : prof->ratings) {
    auto d = gap::domain_of(*r.element);
    api::json j = {{"element_id", r.element->id},
                        {"element_name", r.element->name},
                        {"domain", d ? std::string(gap::to_string(*d)) : r.element->domain},
                        {"importance", opt_number(importance_value(r))},
                        {"level", r.level ? opt_number(r.level->data_value) : api::json(nullptr)},
                        {"level_llm", r.level ? opt_number(r.level->llm_value) : api::json(nullptr)},
                        {"level_refined", r.level ? opt_number(r.level->refined_value) : api::json(nullptr)},
                        {"not_relevant", r.level && r.level->not_relevant == 'Y'},
                        {"value_source", r.level ? r.level->value_source : (r.importance ? r.importance->value_source : "")}};
    ratings.push_back(std::move(j));
  }
  auto snap = cache_->snapshot();
  const std::string release = snap ? snap->version().release : "";
  return success("Occupation " + prof->code + ": " + prof->title + ".",
                 {{"code", prof->code},
                  {"title", prof->title},
                  {"description", prof->description},
                  {"source", prof->source},
                  {"onet_release", release.empty() ? api::json(nullptr) : api::json(release)},
                  {"ratings", std::move(ratings)}});
}

// ---- operations -------------------------------------------------------------------------------

Response App::healthz(const Request& req) {
  std::map<std::string, std::string> p;
  Response problem;
  if (!params_of(req, {}, false, p, problem)) return problem;
  return success("ok", {{"status", "ok"}});
}

Response App::readyz(const Request& req) {
  std::map<std::string, std::string> p;
  Response problem;
  if (!params_of(req, {}, false, p, problem)) return problem;
  // Ready means "can answer /skill-gap": a cached dataset is served while the database is down,
  // so a database restart must not take every replica out of a load balancer. The body says
  // the database is down and since when; /metrics has skillgap_database_up for alerting.
  auto st = cache_->status();
  const bool serving = st.loaded && st.version.load_run_id > 0;
  api::json down_since = st.down_since ? api::json(sqldb::utc_iso8601(*st.down_since)) : api::json(nullptr);
  api::json result = {{"database", st.last_check_ok ? "up" : "down"},
                      {"database_down_since", down_since},
                      {"dataset_loaded", serving},
                      {"load_run_id", st.version.load_run_id},
                      {"onet_release", st.version.release.empty() ? api::json(nullptr) : api::json(st.version.release)},
                      {"occupations", st.profiles}};
  if (serving && st.last_check_ok) return success("ready", std::move(result));
  if (serving) {
    return success("ready: serving the cached dataset (load run " + std::to_string(st.version.load_run_id) +
                       "); the database is down" +
                       (st.down_since ? " since " + down_since.get<std::string>() : std::string()),
                   std::move(result));
  }
  std::string msg = "Error: Not ready: ";
  if (!st.last_check_ok) msg += "the database did not answer the last check; ";
  msg += "no completed load run is loaded.";
  api::json body = {{"success", false}, {"error", "not_ready"}, {"message", msg}, {"result", std::move(result)}};
  return retry_later(json_response(503, body), 5);
}

Response App::metrics_page(const Request& req) {
  std::map<std::string, std::string> p;
  Response problem;
  if (!params_of(req, {}, false, p, problem)) return problem;
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = metrics_.render(cache_->status());
  return r;
}

Response App::openapi(const Request& req) {
  std::map<std::string, std::string> p;
  Response problem;
  if (!params_of(req, {}, false, p, problem)) return problem;
  Response r;
  r.body = openapi_document();
  return r;
}

// ---- serving ----------------------------------------------------------------------------------

bool App::needs_slow_lane(const Request& req) const {
  if (!cache_->has_remote() || req.method != "GET") return false;
  std::vector<std::string> codes;
  if (req.path == kSkillGap) {
    auto parsed = parse_query(req.query);
    if (auto* list = std::get_if<std::vector<QueryParam>>(&parsed)) {
      for (const auto& qp : *list)
        if (qp.name == "from" || qp.name == "to") codes.push_back(qp.value);
    }
  } else if (req.path.starts_with("/occupations/") && req.path.size() > 13) {
    if (auto d = percent_decode(req.path.substr(13), false)) codes.push_back(*d);
  }
  for (const auto& raw : codes) {
    auto code = gap::normalize_occupation_code(raw);
    if (code && cache_->needs_remote(*code)) return true;
  }
  return false;
}

void App::serve(const Request& req, std::function<void(Response)> respond) {
  const auto t0 = std::chrono::steady_clock::now();
  metrics_.request_started();
  if (needs_slow_lane(req)) {
    auto job = [this, req, t0, respond] {
      // Fetch what is missing here, off the engine's workers; the subgraph then finds it cached.
      std::vector<std::string> codes;
      if (req.path == kSkillGap) {
        auto parsed = parse_query(req.query);
        if (auto* list = std::get_if<std::vector<QueryParam>>(&parsed)) {
          for (const auto& qp : *list)
            if (qp.name == "from" || qp.name == "to") codes.push_back(qp.value);
        }
      }
      for (const auto& raw : codes) {
        auto code = gap::normalize_occupation_code(raw);
        if (!code || !cache_->needs_remote(*code)) continue;
        try {
          cache_->lookup(*code);
        } catch (const gap::RemoteUnavailable& e) {
          spdlog::warn("{}: {}", req.path, e.what());
          auto r = retry_later(error_response({503, "onet_api_unavailable",
                                               "Error: The occupation is not in the local database and O*NET Web Services could not be reached; try again later."},
                                              true),
                               30);
          finish(req, with_route(std::move(r), kSkillGap), t0, respond);
          return;
        } catch (const std::exception&) {
          // handle() reports it the usual way.
        }
      }
      finish(req, handle(req), t0, respond);
    };
    if (!slow_lane_->try_post(job)) {
      auto r = retry_later(error_response({503, "busy", "Error: Too many requests are waiting for O*NET Web Services; try again."},
                                          req.path == kSkillGap),
                           5);
      finish(req, with_route(std::move(r), req.path == kSkillGap ? kSkillGap : kOccupation), t0, respond);
    }
    return;
  }
  finish(req, handle(req), t0, respond);
}

void App::finish(const Request& req, Response resp, std::chrono::steady_clock::time_point t0,
                 const std::function<void(Response)>& respond) {
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  metrics_.observe(resp.route.empty() ? kUnmatched : resp.route, resp.status, secs);
  log_->info("{} {} {} {:.3f} ms", printable(req.method, 16), printable(req.path), resp.status, secs * 1000.0);
  metrics_.request_finished();
  respond(std::move(resp));
}

}  // namespace api
