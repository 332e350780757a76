#pragma once
// What route handlers work with: the App's long-lived parts, lent by reference. Owned by App,
// outlives every call.
#include <string>

#include "api/app_config.hpp"
#include "api/metrics.hpp"
#include "nodes/gap/profile_cache.hpp"

namespace dag {
class Service;
}

namespace api {

class ApiContext {
 public:
  ApiContext(const AppConfig& config, gap::ProfileCache& cache, dag::Service& service, Metrics& metrics)
      : config_(config), cache_(cache), service_(service), metrics_(metrics), skill_gap_deadline_(deadline_for(config)) {}
  const AppConfig& config() const { return config_; }
  gap::ProfileCache& cache() { return cache_; }
  dag::Service& service() { return service_; }
  Metrics& metrics() { return metrics_; }
  // How long a /skill-gap request may take in the subgraph before it is answered 503 busy:
  // request_timeout, plus the O*NET Web Services client's worst case (two calls, every attempt
  // timing out after the longest backoff) when the fallback is on, so that a slow O*NET still
  // ends in its own answer (onet_api_unavailable), as when the fetch ran outside the subgraph.
  std::chrono::milliseconds skill_gap_deadline() const { return skill_gap_deadline_; }
  static std::chrono::milliseconds deadline_for(const AppConfig& c) {
    auto d = c.request_timeout;
    if (c.onet_api) d += 2 * c.onet_api->max_attempts * (c.onet_api->timeout + c.onet_api->max_backoff);
    return d;
  }

 private:
  const AppConfig& config_;
  gap::ProfileCache& cache_;
  dag::Service& service_;
  Metrics& metrics_;
  std::chrono::milliseconds skill_gap_deadline_;
};

}  // namespace api
