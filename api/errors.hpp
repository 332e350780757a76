#pragma once
// Every error answer of the API, in one place: an ApiError is status + machine-readable code +
// message (+ Retry-After); error_for() maps whatever a handler or the subgraph threw to one.
// Handlers throw (or Reply::fail) and never build error bodies themselves.
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "api/http_types.hpp"
#include "api/route.hpp"

namespace api {

class ApiError : public std::exception {
 public:
  ApiError(int status, std::string error, std::string message, std::optional<int> retry_after = std::nullopt);
  const char* what() const noexcept override { return message_.c_str(); }
  int status() const { return status_; }
  const std::string& error() const { return error_; }
  const std::string& message() const { return message_; }
  std::optional<int> retry_after() const { return retry_after_; }
  // Extra headers of the answer (Allow on a 405).
  ApiError& header(std::string name, std::string value);
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }

  // The answers several places give, written once.
  static ApiError bad_request(std::string error, std::string message);
  static ApiError not_found_path();
  static ApiError method_not_allowed(std::string_view method);
  static ApiError occupation_not_found(const std::string& code);
  static ApiError dataset_not_loaded();          // 503, Retry-After 5
  static ApiError database_unavailable();        // 503, Retry-After 5
  static ApiError no_dataset(bool database_up);  // one of the two above
  static ApiError onet_api_unavailable();        // 503, Retry-After 30
  static ApiError too_slow();                    // 503 busy, Retry-After 1 (request deadline)
  static ApiError too_many_waiting();            // 503 busy, Retry-After 5 (remote queue full)
  static ApiError internal();                    // 500, the cause only in the log

 private:
  int status_;
  std::string error_, message_;
  std::optional<int> retry_after_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

// The ApiError for an exception: ApiError itself; the subgraph's typed errors (unknown
// occupation, no ratings, dataset not loaded, database or O*NET Web Services down, deadline,
// full queue); anything else is a 500. Logs what the client is not told (with `route`).
ApiError error_for(std::exception_ptr e, const std::string& route);

Response to_response(const ApiError& e, ErrorShape shape);

}  // namespace api
