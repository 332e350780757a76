#pragma once
// A route of the API, declared once: path pattern, parameters (the engine's dag::ParamSpec:
// type, range, default, doc), error shape, handler, and where the handler runs. The route
// table (api/routes.cpp) is the one list of them; dispatch, query validation and its
// messages, the OpenAPI parameters, metrics labels and the 404/405 answers all derive from it.
// How to add a route: api/README.md#adding-a-route.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/http_types.hpp"
#include "engine/params.hpp"

namespace api {

class ApiContext;  // what handlers work with (api/api_context.hpp)

// A shape a text value must have, e.g. an O*NET-SOC code. Normalizes or refuses.
struct ValueFormat {
  std::string noun;      // "occupation code": in messages ("Invalid occupation code 'x' ...")
  std::string error;     // machine-readable code of a refusal: "invalid_occupation_code"
  std::string expected;  // "NN-NNNN.NN or NN-NNNN"
  std::function<std::optional<std::string>(std::string_view)> normalize;
  nlohmann::ordered_json schema;  // its OpenAPI schema
};

// One declared parameter. The ParamSpec gives name, type (String, Int, Float, Bool, Enum),
// range (Int/Float), choices (Enum), default, required and doc; the rest is what only HTTP
// values need.
struct RouteParam {
  dag::ParamSpec spec;
  const ValueFormat* format = nullptr;   // String: the value's shape (normalized when valid)
  std::optional<std::size_t> max_bytes;  // String: longer -> 400 parameter_too_long

  RouteParam(dag::ParamSpec s) : spec(std::move(s)) {}  // NOLINT: a spec is a parameter
  RouteParam& shaped(const ValueFormat& f) {
    format = &f;
    return *this;
  }
  RouteParam& at_most(std::size_t bytes) {
    max_bytes = bytes;
    return *this;
  }
};

// What an error answer's `result` holds: {} (Plain), or the route's list, empty, so that a client
// reads result.skill_gaps / result.transitions the same way on success and on failure.
enum class ErrorShape { Plain, SkillGap, Transitions };

// A matched, validated request as a handler sees it.
struct Call {
  Request request;
  // Query parameters, typed and checked against the route's specs, defaults filled in:
  // query.number("min_gap"), query.has("min_importance"), query.str("source") ...
  dag::Params query;
  // Path parameters ({code}), decoded and normalized by their format.
  std::map<std::string, std::string> path;
};

class ApiError;

// How a handler answers: once, now or later and from any thread (copies share the answer;
// anything after the first is dropped). fail() maps an exception to its error response
// (api/errors.hpp) in the route's error shape; the route path labels the answer in metrics.
class Reply {
 public:
  using Sink = std::function<void(Response)>;
  Reply(Sink sink, ErrorShape shape, std::string route);
  void send(Response r) const;
  void fail(std::exception_ptr e) const;
  ErrorShape shape() const { return state_->shape; }
  const std::string& route() const { return state_->route; }

 private:
  struct State {
    Sink sink;
    ErrorShape shape;
    std::string route;
    std::atomic<bool> sent{false};
  };
  std::shared_ptr<State> state_;
};

using Handler = std::function<void(ApiContext&, const Call&, const Reply&)>;
// True when this call must run off the HTTP threads (it may wait seconds for the network).
using LaneRule = std::function<bool(ApiContext&, const Call&)>;

struct Route {
  // Exact path, or a template whose "{name}" stands for one non-empty segment without '/'.
  // Also the route's metrics label and its key in openapi.json.
  std::string path;
  std::vector<RouteParam> path_params;  // one per {name}, in order
  std::vector<RouteParam> query;        // the parameters it accepts; any other is refused
  bool any_query = false;               // the query is not ours to check (the web page's)
  ErrorShape errors = ErrorShape::Plain;
  bool documented = true;  // listed in openapi.json (the JSON API)
  Handler handler;
  LaneRule slow_lane;  // unset: always on the calling thread

  explicit Route(std::string p) : path(std::move(p)) {}
  Route& param_in_path(RouteParam p) {
    path_params.push_back(std::move(p));
    return *this;
  }
  Route& param(RouteParam p) {
    query.push_back(std::move(p));
    return *this;
  }
  Route& any_query_string() {
    any_query = true;
    return *this;
  }
  Route& error_shape(ErrorShape s) {
    errors = s;
    return *this;
  }
  Route& undocumented() {
    documented = false;
    return *this;
  }
  Route& handle(Handler h) {
    handler = std::move(h);
    return *this;
  }
  Route& off_thread_when(LaneRule r) {
    slow_lane = std::move(r);
    return *this;
  }
};

class RouteTable {
 public:
  // Throws std::logic_error on a duplicate path or a template whose {names} and path_params
  // disagree (a programming error, caught by the first test that builds the App).
  void add(Route r);
  const std::vector<Route>& routes() const { return routes_; }

  struct Match {
    const Route* route = nullptr;
    std::vector<std::string> segments;  // raw (still percent-encoded) values of the {names}
  };
  // Paths match exactly: "/skill-gap/" and "/%73kill-gap" are not "/skill-gap".
  std::optional<Match> match(std::string_view path) const;

 private:
  std::vector<Route> routes_;
};

// `s` with bytes outside printable ASCII as '?', cut to `max` (for logs and echoed paths).
std::string printable(std::string_view s, std::size_t max = 120);

}  // namespace api
