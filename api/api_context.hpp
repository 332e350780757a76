#pragma once
// What route handlers work with: the App's long-lived parts, lent by reference. Owned by App,
// outlives every call.
#include <string>

#include "api/app_config.hpp"
#include "api/metrics.hpp"
#include "nodes/gap/profile_cache.hpp"

namespace dag { class Service; }

namespace api {

class ApiContext {
 public:
  ApiContext(const AppConfig& config, gap::ProfileCache& cache, dag::Service& service, Metrics& metrics)
      : config_(config), cache_(cache), service_(service), metrics_(metrics) {}
  const AppConfig& config() const { return config_; }
  gap::ProfileCache& cache() { return cache_; }
  dag::Service& service() { return service_; }
  Metrics& metrics() { return metrics_; }

 private:
  const AppConfig& config_;
  gap::ProfileCache& cache_;
  dag::Service& service_;
  Metrics& metrics_;
};

}  // namespace api
