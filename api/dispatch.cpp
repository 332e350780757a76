#include "api/dispatch.hpp"

#include "api/errors.hpp"
#include "api/query_params.hpp"

namespace api {

Dispatcher::Dispatcher(const RouteTable& table, ApiContext& ctx, std::size_t lane_threads, std::size_t lane_capacity)
    : table_(table), ctx_(ctx), slow_lane_(std::make_unique<WorkQueue>(lane_threads, lane_capacity)) {}

Dispatcher::~Dispatcher() { slow_lane_.reset(); }

void Dispatcher::run(const Route& route, const Call& call, const Reply& reply) {
  try {
    route.handler(ctx_, call, reply);
  } catch (...) {
    reply.fail(std::current_exception());
  }
}

void Dispatcher::dispatch(const Request& req, Reply::Sink sink) {
  auto m = table_.match(req.path);
  if (!m) {
    Reply(std::move(sink), ErrorShape::Plain, kUnmatched).send(to_response(ApiError::not_found_path(), ErrorShape::Plain));
    return;
  }
  const Route& route = *m->route;
  Reply reply(std::move(sink), route.errors, route.path);
  if (req.method != "GET") {
    reply.send(to_response(ApiError::method_not_allowed(req.method), route.errors));
    return;
  }
  std::shared_ptr<const Call> call;
  try {
    call = std::make_shared<const Call>(bind_call(route, req, m->segments));
    if (route.slow_lane && route.slow_lane(ctx_, *call)) {
      if (!slow_lane_->try_post([this, &route, call, reply] { run(route, *call, reply); })) {
        reply.send(to_response(ApiError::too_many_waiting(), route.errors));
      }
      return;
    }
  } catch (...) {
    reply.fail(std::current_exception());
    return;
  }
  run(route, *call, reply);
}

}  // namespace api
