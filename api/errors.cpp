#include "api/errors.hpp"

#include <spdlog/spdlog.h>

#include "api/envelope.hpp"
#include "engine/service.hpp"
#include "nodes/gap/errors.hpp"
#include "nodes/gap/profile_cache.hpp"
#include "nodes/sql/database.hpp"

namespace api {

ApiError::ApiError(int status, std::string error, std::string message, std::optional<int> retry_after)
    : status_(status), error_(std::move(error)), message_(std::move(message)), retry_after_(retry_after) {}

ApiError& ApiError::header(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}

ApiError ApiError::bad_request(std::string error, std::string message) {
  return ApiError(400, std::move(error), std::move(message));
}

ApiError ApiError::not_found_path() { return ApiError(404, "not_found", "Error: Not found: no endpoint at this path."); }

ApiError ApiError::method_not_allowed(std::string_view method) {
  ApiError e(405, "method_not_allowed", "Error: Method " + printable(method, 16) + " is not allowed; use GET.");
  e.header("Allow", "GET");
  return e;
}

ApiError ApiError::occupation_not_found(const std::string& code) {
  return ApiError(404, "occupation_not_found", "Error: Occupation code " + code + " not found.");
}

ApiError ApiError::dataset_not_loaded() {
  return ApiError(503, "dataset_not_loaded", "Error: No dataset is loaded yet; try again shortly.", 5);
}

ApiError ApiError::database_unavailable() {
  return ApiError(503, "database_unavailable", "Error: The database is unavailable; try again shortly.", 5);
}

ApiError ApiError::no_dataset(bool database_up) { return database_up ? dataset_not_loaded() : database_unavailable(); }

ApiError ApiError::onet_api_unavailable() {
  return ApiError(
      503, "onet_api_unavailable",
      "Error: The occupation is not in the local database and O*NET Web Services could not be reached; try again later.", 30);
}

ApiError ApiError::too_slow() { return ApiError(503, "busy", "Error: The server is too busy to answer in time; try again.", 1); }

ApiError ApiError::too_many_waiting() {
  return ApiError(503, "busy", "Error: Too many requests are waiting for O*NET Web Services; try again.", 5);
}

ApiError ApiError::internal() { return ApiError(500, "internal_error", "Error: Internal server error."); }

ApiError error_for(std::exception_ptr e, const std::string& route) {
  try {
    std::rethrow_exception(std::move(e));
  } catch (const ApiError& a) {
    return a;
  } catch (const gap::UnknownOccupation& u) {
    return ApiError::occupation_not_found(u.code());
  } catch (const gap::NoRatings& n) {
    const std::string what = n.domain() == "knowledge" ? "knowledge" : n.domain() == "all" ? "skill or knowledge" : "skill";
    return ApiError(404, "no_ratings",
                    "Error: Occupation code " + n.code() + " (" + n.title() + ") has no " + what + " ratings" +
                        (n.source().empty() ? "" : " from source '" + n.source() + "'") + ", so no skill gap can be computed.");
  } catch (const gap::NotLoaded&) {
    return ApiError::dataset_not_loaded();
  } catch (const sqldb::DatabaseUnavailable& d) {
    spdlog::warn("{}: {}", route, d.what());
    return ApiError::database_unavailable();
  } catch (const gap::RemoteUnavailable& r) {
    spdlog::warn("{}: {}", route, r.what());
    return ApiError::onet_api_unavailable();
  } catch (const dag::RequestTimeout& t) {
    spdlog::warn("{}: {}", route, t.what());
    return ApiError::too_slow();
  } catch (const dag::QueueFull& q) {
    spdlog::warn("{}: {}", route, q.what());
    return ApiError::too_many_waiting();
  } catch (const std::exception& x) {
    spdlog::error("GET {}: {}", route, x.what());
    return ApiError::internal();
  } catch (...) {
    spdlog::error("GET {}: unknown exception", route);
    return ApiError::internal();
  }
}

Response to_response(const ApiError& e, ErrorShape shape) {
  const char* list = shape == ErrorShape::SkillGap ? "skill_gaps" : shape == ErrorShape::Transitions ? "transitions" : nullptr;
  auto r = error_response({e.status(), e.error(), e.message()}, list);
  if (e.retry_after()) r.headers.emplace_back("Retry-After", std::to_string(*e.retry_after()));
  for (const auto& h : e.headers()) r.headers.push_back(h);
  return r;
}

}  // namespace api
