#pragma once
// The API without its transport: the profile cache, the skill-gap subgraph (built once from
// pipelines/skill_gap.yaml) and the route table (api/routes.cpp). handle() is the route
// function Request -> Response; serve() adds what a server needs around it (metrics, one log
// line per request) and may answer later, from another thread.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/app_config.hpp"
#include "api/http_types.hpp"
#include "api/metrics.hpp"
#include "nodes/gap/profile_cache.hpp"

namespace spdlog {
class logger;
}
namespace dag {
class Registry;
class Resources;
class Service;
struct ResolvedPipeline;
}  // namespace dag

namespace api {

class ApiContext;
class Dispatcher;
class RouteTable;

struct RouteInfo {
  std::string path;  // OpenAPI template, e.g. "/occupations/{code}"
};

class App {
 public:
  // Builds everything; throws (std::invalid_argument, dag::PipelineError, ...) on bad config.
  // The database is not touched until start().
  // `access_log` gets one line per request (the default logger without one); `access_log_dropped`,
  // the count of its lines dropped (api/access_log.hpp), is shown on /metrics.
  explicit App(AppConfig cfg, std::shared_ptr<spdlog::logger> access_log = nullptr,
               std::function<std::uint64_t()> access_log_dropped = {});
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Loads the dataset (a failure is logged; the refresher retries) and starts the refresher.
  void start();
  void stop();

  // The routes: dispatch from request to response (no log line, no metrics); waits for
  // answers that come later (a remote fetch).
  Response handle(const Request& req);
  // Dispatch plus metrics and one log line per request. `respond` is called exactly once,
  // possibly from another thread.
  void serve(const Request& req, std::function<void(Response)> respond);

  // oneTBB threads the subgraph of `cfg.pipeline` needs (for the process's dag::Parallelism,
  // created before the App). Throws what loading the pipeline throws.
  static std::size_t engine_threads(const AppConfig& cfg);

  // The routes of the JSON API (those in openapi.json), from the route table.
  static const std::vector<RouteInfo>& routes();
  static const RouteTable& route_table();
  // The served OpenAPI document: api/openapi.json with parameters generated from the table.
  static const std::string& openapi_document();

  gap::ProfileCache& cache() { return *cache_; }
  Metrics& metrics() { return metrics_; }

 private:
  void finish(const std::string& method, const std::string& path, Response resp, std::chrono::steady_clock::time_point t0,
              const std::function<void(Response)>& respond);

  AppConfig cfg_;
  std::shared_ptr<spdlog::logger> log_;
  std::shared_ptr<gap::ProfileCache> cache_;
  std::unique_ptr<dag::Registry> registry_;
  std::unique_ptr<dag::Resources> resources_;
  std::unique_ptr<dag::ResolvedPipeline> pipeline_;
  std::unique_ptr<dag::Service> service_;
  Metrics metrics_;
  std::unique_ptr<ApiContext> context_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

}  // namespace api
