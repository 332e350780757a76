#include "nodes/llm/http_transport.hpp"

#include <stdexcept>
#include <system_error>

// No U() macro from cpprestsdk: a one-letter macro breaks any template that names a parameter U.
#define _TURN_OFF_PLATFORM_STRING  // NOLINT(bugprone-reserved-identifier): cpprestsdk's own switch
#include <cpprest/http_client.h>

#include "common/redact.hpp"

namespace llm {

namespace {

namespace http = web::http;

class CpprestTransport final : public HttpTransport {
 public:
  CpprestTransport(const web::uri& base, std::chrono::milliseconds timeout) : client_(base, config(timeout)) {}

  HttpResult post(const std::string& path, const Headers& headers, const std::string& body) override {
    HttpResult res;
    const auto t0 = std::chrono::steady_clock::now();
    try {
      http::http_request req(http::methods::POST);
      req.set_request_uri(path);
      for (const auto& [k, v] : headers) req.headers().add(k, v);
      req.set_body(body, "application/json");
      http::http_response resp = client_.request(req).get();
      res.status = resp.status_code();
      if (resp.headers().has("Retry-After")) res.retry_after = resp.headers()["Retry-After"];
      res.body = resp.extract_utf8string(true).get();
    } catch (const http::http_exception& e) {
      if (e.error_code() == std::errc::timed_out || e.error_code().value() == ETIMEDOUT) {
        res.timed_out = true;
        res.error = "no answer within the timeout";
      } else {
        res.error = e.what();
      }
      res.status = 0;
    } catch (const std::exception& e) {
      res.error = e.what();
      res.status = 0;
    }
    res.latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return res;
  }

 private:
  static http::client::http_client_config config(std::chrono::milliseconds timeout) {
    http::client::http_client_config c;
    c.set_timeout(timeout);
    return c;
  }
  http::client::http_client client_;
};

}  // namespace

std::unique_ptr<HttpTransport> make_cpprest_transport(const std::string& base_url, std::chrono::milliseconds timeout) {
  if (base_url.rfind("http://", 0) != 0 && base_url.rfind("https://", 0) != 0) {
    throw std::invalid_argument("'" + common::redact_url(base_url) + "' is not an http:// or https:// URL");
  }
  web::uri base;
  try {
    base = web::uri(base_url);
  } catch (const std::exception& e) {
    throw std::invalid_argument("'" + common::redact_url(base_url) + "' is not a valid URL: " + e.what());
  }
  return std::make_unique<CpprestTransport>(base, timeout);
}

}  // namespace llm
