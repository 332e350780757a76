#pragma once
// The HTTP transport (cpprestsdk's http_listener) behind a small interface, so nothing else in
// the API includes cpprest. Requests are handed over as plain api::Request values; the handler
// answers through a responder it may call from any thread.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "api/http_types.hpp"

namespace api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;                       // 0: pick a free ephemeral port (tests)
  std::chrono::milliseconds drain_timeout{10000};  // stop(): how long in-flight requests may take
};

class HttpServer {
 public:
  using Responder = std::function<void(Response)>;
  using Handler = std::function<void(const Request&, Responder)>;

  HttpServer(ServerOptions opts, Handler handler);
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Starts listening; throws std::runtime_error naming the address when it cannot.
  void start();
  // Graceful stop: new requests are refused (503 shutting_down, Connection: close), in-flight
  // ones finish (up to drain_timeout), then the listener closes. Idempotent.
  void stop();

  std::uint16_t port() const;
  std::string base_url() const;  // "http://host:port"
  std::size_t in_flight() const;
  // True from the moment stop() begins refusing new requests (a hook for tests and health checks).
  bool draining() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sizes cpprestsdk's shared I/O thread pool. Must run before the first listener or client is
// created; only the first call in a process has an effect (returns false afterwards).
bool init_http_threads(std::size_t threads);

}  // namespace api
