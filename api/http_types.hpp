#pragma once
// What a route sees of an HTTP exchange. Kept free of cpprestsdk so that routes are plain
// functions Request -> Response, testable without a socket.
#include <string>
#include <utility>
#include <vector>

namespace api {

struct Request {
  std::string method;  // "GET", ...
  std::string path;    // as sent: percent-encoded, without the query
  std::string query;   // as sent, without '?'
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Route label for metrics and the log (the route template, e.g. "/occupations/{code}").
  std::string route;
};

}  // namespace api
