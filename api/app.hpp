#pragma once
// The API without its transport: the profile cache, the skill-gap subgraph (built once from
// pipelines/skill_gap.yaml) and the routes. handle() is the route function Request -> Response;
// serve() adds what a server needs around it (slow lane for remote fetches, metrics, log line).
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/http_types.hpp"
#include "api/metrics.hpp"
#include "nodes/gap/onet_ws_client.hpp"
#include "nodes/gap/profile_cache.hpp"

namespace spdlog { class logger; }
namespace dag {
class Registry;
class Resources;
class Service;
struct ResolvedPipeline;
}  // namespace dag

namespace api {

class WorkQueue;

struct AppConfig {
  std::string database_url = "sqlite:data/onet.db";
  std::shared_ptr<gap::ProfileRepository> repository;  // null: one on database_url (tests pass their own)
  std::string pipeline = "pipelines/skill_gap.yaml";
  std::optional<gap::OnetWsOptions> onet_api;  // set: fetch occupations unknown locally
  gap::CacheOptions cache;
  std::chrono::milliseconds request_timeout{10000};  // a request stuck in the subgraph longer -> 503
  std::size_t slow_lane_threads = 4;
  std::size_t slow_lane_capacity = 256;
};

struct RouteInfo {
  std::string path;  // OpenAPI template, e.g. "/occupations/{code}"
};

class App {
 public:
  // Builds everything; throws (std::invalid_argument, dag::PipelineError, ...) on bad config.
  // The database is not touched until start().
  explicit App(AppConfig cfg, std::shared_ptr<spdlog::logger> access_log = nullptr);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Loads the dataset (a failure is logged; the refresher retries) and starts the refresher.
  void start();
  void stop();

  // The routes: a pure dispatch from request to response (no log line, no metrics).
  Response handle(const Request& req);
  // handle() plus: requests that need O*NET Web Services run on the slow lane; metrics; one
  // log line per request. `respond` is called exactly once, possibly from another thread.
  void serve(const Request& req, std::function<void(Response)> respond);

  // Every route the server answers, for the OpenAPI sync test.
  static const std::vector<RouteInfo>& routes();
  static const std::string& openapi_document();

  gap::ProfileCache& cache() { return *cache_; }
  Metrics& metrics() { return metrics_; }

 private:
  Response skill_gap(const Request& req);
  Response occupations(const Request& req);
  Response occupation(const Request& req, const std::string& raw_code);
  Response healthz(const Request& req);
  Response readyz(const Request& req);
  Response metrics_page(const Request& req);
  Response openapi(const Request& req);
  bool needs_slow_lane(const Request& req) const;
  void finish(const Request& req, Response resp, std::chrono::steady_clock::time_point t0,
              const std::function<void(Response)>& respond);

  AppConfig cfg_;
  std::shared_ptr<spdlog::logger> log_;
  std::shared_ptr<gap::ProfileCache> cache_;
  std::unique_ptr<dag::Registry> registry_;
  std::unique_ptr<dag::Resources> resources_;
  std::unique_ptr<dag::ResolvedPipeline> pipeline_;
  std::unique_ptr<dag::Service> service_;
  std::unique_ptr<WorkQueue> slow_lane_;
  Metrics metrics_;
};

}  // namespace api
