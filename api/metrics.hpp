#pragma once
// Prometheus text exposition (format 0.0.4) of what the server does: requests by route and
// status, a latency histogram per route, requests in flight, and the profile cache's figures.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "nodes/gap/profile_cache.hpp"

namespace api {

class Metrics {
 public:
  // `access_log_dropped` reads how many access-log lines were dropped (api/access_log.hpp); a
  // server without that log shows 0.
  explicit Metrics(std::function<std::uint64_t()> access_log_dropped = {}) : access_log_dropped_(std::move(access_log_dropped)) {}

  // Upper bounds of the latency buckets, in seconds (+Inf is implicit).
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0};

  void observe(const std::string& route, int status, double seconds);
  void request_started() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void request_finished() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }

  std::string render(const gap::CacheStatus& cache) const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> counts{};  // non-cumulative per bucket
    std::uint64_t inf = 0;
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::atomic<std::int64_t> in_flight_{0};
  const std::function<std::uint64_t()> access_log_dropped_;
};

}  // namespace api
