#pragma once
// Shared by the API tests: databases, an in-process server on an ephemeral port, a raw HTTP
// client (so hostile bytes reach the server unmodified), and the gap computed directly in SQL.
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/app.hpp"
#include "api/http_server.hpp"

namespace apitest {

// Sizes cpprest's I/O pool once per process (before any listener): 8 threads.
void init_http();

// The onet_mini fixture loaded through pipelines/sample.yaml, once per test process.
const std::string& mini_db_url();

api::AppConfig config_for(const std::string& db_url);

// App + HttpServer on 127.0.0.1:<ephemeral>, started by the constructor, stopped by the destructor.
class RunningServer {
 public:
  explicit RunningServer(api::AppConfig cfg, std::shared_ptr<spdlog::logger> access_log = nullptr);
  ~RunningServer();
  api::App& app() { return *app_; }
  api::HttpServer& server() { return *server_; }
  int port() const { return server_->port(); }

 private:
  std::unique_ptr<api::App> app_;
  std::unique_ptr<api::HttpServer> server_;
};

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

// Sends `raw` (a whole HTTP request) to 127.0.0.1:port and reads the reply to the end.
// status 0 when the server closed without answering.
Reply raw_request(int port, const std::string& raw, std::chrono::milliseconds timeout = std::chrono::seconds(20));
// "GET <target> HTTP/1.1" with Host and Connection: close.
Reply get(int port, const std::string& target, const std::string& method = "GET");

// A client socket with its request sent: for many requests in flight at once.
class PendingRequest {
 public:
  PendingRequest(int port, const std::string& target);
  ~PendingRequest();
  PendingRequest(PendingRequest&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Reply read(std::chrono::milliseconds timeout = std::chrono::seconds(60));

 private:
  int fd_ = -1;
};

// The skill gaps of `from` -> `to` computed directly in SQL from occupation_ratings (O*NET values,
// skills domain, default options), ordered like the API. For checking the API value by value.
struct RefGap {
  std::string element_id, element_name;
  double from = 0, to = 0, gap = 0;
  std::optional<double> importance;
};
std::vector<RefGap> reference_gaps(const std::string& db_url, const std::string& from, const std::string& to);

}  // namespace apitest
