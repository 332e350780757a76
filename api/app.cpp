#include "api/app.hpp"

#include <future>

#include <spdlog/spdlog.h>

#include "api/api_context.hpp"
#include "api/dispatch.hpp"
#include "api/openapi.hpp"
#include "api/routes.hpp"
#include "engine/parallelism.hpp"
#include "engine/pipeline.hpp"
#include "engine/registry.hpp"
#include "engine/service.hpp"
#include "nodes/gap/onet_ws_client.hpp"

namespace api {

extern const char* const kOpenApiDocument;  // generated from api/openapi.json

App::App(AppConfig cfg, std::shared_ptr<spdlog::logger> access_log, std::function<std::uint64_t()> access_log_dropped)
    : cfg_(std::move(cfg)),
      log_(access_log ? std::move(access_log) : spdlog::default_logger()),
      metrics_(std::move(access_log_dropped)) {
  auto repo = cfg_.repository ? cfg_.repository : std::make_shared<gap::ProfileRepository>(cfg_.database_url);
  std::shared_ptr<gap::RemoteProfileSource> remote;
  if (cfg_.onet_api) remote = std::make_shared<gap::OnetWsClient>(*cfg_.onet_api, spdlog::default_logger());
  cache_ = std::make_shared<gap::ProfileCache>(std::move(repo), cfg_.cache, std::move(remote), spdlog::default_logger());

  registry_ = std::make_unique<dag::Registry>();
  dag::register_all_nodes(*registry_);
  resources_ = std::make_unique<dag::Resources>();
  resources_->put("profiles", cache_);
  pipeline_ = std::make_unique<dag::ResolvedPipeline>(dag::load_pipeline(cfg_.pipeline, *registry_));
  for (const auto& w : pipeline_->warnings) spdlog::warn("{}", w.str());  // served all the same
  service_ = std::make_unique<dag::Service>(*pipeline_, *registry_, *resources_);
  context_ = std::make_unique<ApiContext>(cfg_, *cache_, *service_, metrics_);
  dispatcher_ = std::make_unique<Dispatcher>(api_routes(), *context_, cfg_.slow_lane_threads, cfg_.slow_lane_capacity);
}

App::~App() {
  dispatcher_.reset();  // answers what the slow lane holds first
  service_.reset();
  cache_->stop();
}

void App::start() { cache_->start(); }
void App::stop() { cache_->stop(); }

std::size_t App::engine_threads(const AppConfig& cfg) {
  dag::Registry registry;
  dag::register_all_nodes(registry);
  return dag::threads_for_requests(dag::load_pipeline(cfg.pipeline, registry));
}

const RouteTable& App::route_table() { return api_routes(); }

const std::vector<RouteInfo>& App::routes() {
  static const std::vector<RouteInfo> r = [] {
    std::vector<RouteInfo> out;
    for (const auto& route : api_routes().routes())
      if (route.documented) out.push_back({route.path});
    return out;
  }();
  return r;
}

const std::string& App::openapi_document() {
  static const std::string doc = openapi_with_parameters(kOpenApiDocument, api_routes()).dump(2);
  return doc;
}

Response App::handle(const Request& req) {
  std::promise<Response> answer;
  auto fut = answer.get_future();
  dispatcher_->dispatch(req, [&answer](Response r) { answer.set_value(std::move(r)); });
  return fut.get();
}

void App::serve(const Request& req, std::function<void(Response)> respond) {
  const auto t0 = std::chrono::steady_clock::now();
  metrics_.request_started();
  dispatcher_->dispatch(req, [this, method = req.method, path = req.path, t0, respond = std::move(respond)](Response r) {
    finish(method, path, std::move(r), t0, respond);
  });
}

void App::finish(const std::string& method, const std::string& path, Response resp, std::chrono::steady_clock::time_point t0,
                 const std::function<void(Response)>& respond) {
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  metrics_.observe(resp.route.empty() ? Dispatcher::kUnmatched : resp.route, resp.status, secs);
  log_->info("{} {} {} {:.3f} ms", printable(method, 16), printable(path), resp.status, secs * 1000.0);
  metrics_.request_finished();
  respond(std::move(resp));
}

}  // namespace api
