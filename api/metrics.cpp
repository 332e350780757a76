#include "api/metrics.hpp"

#include <fmt/format.h>

namespace api {

namespace {

// Label values come from the route table, never from the request; escaped all the same.
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void Metrics::observe(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{route, status}];
  auto& h = latency_[route];
  std::size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  if (i < kBuckets.size())
    ++h.counts[i];
  else
    ++h.inf;
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::render(const gap::CacheStatus& cache) const {
  std::string out;
  out += "# HELP skillgap_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE skillgap_http_requests_total counter\n";
  std::map<std::pair<std::string, int>, std::uint64_t> requests;
  std::map<std::string, Histogram> latency;
  {
    std::lock_guard lock(mu_);
    requests = requests_;
    latency = latency_;
  }
  for (const auto& [k, n] : requests) {
    out += fmt::format("skillgap_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", label(k.first), k.second, n);
  }
  out += "# HELP skillgap_http_request_duration_seconds Time from receiving a request to handing over its response.\n";
  out += "# TYPE skillgap_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency) {
    std::uint64_t cum = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cum += h.counts[i];
      out += fmt::format("skillgap_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", label(route),
                         kBuckets[i], cum);
    }
    out += fmt::format("skillgap_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", label(route), h.count);
    out += fmt::format("skillgap_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", label(route), h.sum);
    out += fmt::format("skillgap_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", label(route), h.count);
  }
  out += "# HELP skillgap_http_requests_in_flight Requests being handled now.\n";
  out += "# TYPE skillgap_http_requests_in_flight gauge\n";
  out += fmt::format("skillgap_http_requests_in_flight {}\n", in_flight_.load());

  auto counter = [&](const char* name, const char* help, std::uint64_t v) {
    out += fmt::format("# HELP {} {}\n# TYPE {} counter\n{} {}\n", name, help, name, name, v);
  };
  auto gauge = [&](const char* name, const char* help, double v) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{} {}\n", name, help, name, name, v);
  };
  counter("skillgap_profile_cache_hits_total", "Occupation lookups answered from the in-memory cache.", cache.hits);
  counter("skillgap_profile_cache_misses_total", "Occupation lookups of codes not in the cache.", cache.misses);
  counter("skillgap_profile_cache_reloads_total", "Dataset loads into the cache.", cache.reloads);
  counter("skillgap_onet_api_fetches_total", "Occupations requested from O*NET Web Services.", cache.remote_fetches);
  counter("skillgap_onet_api_not_found_total", "O*NET Web Services answers without the occupation or its ratings.",
          cache.remote_not_found);
  // A line is dropped only when the log's descriptor (stderr) took nothing while 1 MiB waited:
  // the requests were answered, but their log lines are not in the log.
  counter("skillgap_access_log_dropped_lines_total",
          "Access-log lines dropped because the log's descriptor took nothing (a terminal or pipe nobody reads).",
          access_log_dropped_ ? access_log_dropped_() : 0);
  gauge("skillgap_profile_cache_occupations", "Occupations in the cache.", static_cast<double>(cache.profiles));
  gauge("skillgap_dataset_load_run_id", "Load run the cached dataset comes from (0: none).",
        static_cast<double>(cache.version.load_run_id));
  gauge("skillgap_database_up", "1 when the last database check succeeded.", cache.last_check_ok ? 1 : 0);
  gauge("skillgap_dataset_load_seconds", "Duration of the last dataset load.", cache.last_load_seconds);
  return out;
}

}  // namespace api
