#pragma once
// The one HTTP call the providers need: POST a JSON body to base_url + path, with a timeout.
// An interface so that the wire formats can be tested without a socket; the implementation is
// cpprestsdk's http_client (one per provider, shared by all workers: it pools connections).
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace llm {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResult {
  int status = 0;  // 0 when no response arrived
  std::string body;
  std::string retry_after;  // header value, empty when absent
  bool timed_out = false;
  std::string error;  // transport failure (no response); never holds header values
  double latency_ms = 0;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual HttpResult post(const std::string& path, const Headers& headers, const std::string& body) = 0;
};

// Throws std::invalid_argument when base_url is not an http(s) URL.
std::unique_ptr<HttpTransport> make_cpprest_transport(const std::string& base_url, std::chrono::milliseconds timeout);

}  // namespace llm
