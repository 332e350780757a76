#pragma once
// From request to answer through the route table: match the path (404 otherwise), GET only
// (405 otherwise), check the query and path against the route's parameters (400), then run
// the handler — on the calling thread, or on the slow lane when the route says this call may
// wait for the network (O*NET Web Services), so that it never holds an HTTP thread. Whatever
// a handler throws becomes its error answer (api/errors.hpp).
#include <cstddef>
#include <memory>

#include "api/api_context.hpp"
#include "api/route.hpp"
#include "api/work_queue.hpp"

namespace api {

class Dispatcher {
 public:
  Dispatcher(const RouteTable& table, ApiContext& ctx, std::size_t lane_threads, std::size_t lane_capacity);
  ~Dispatcher();  // answers what the slow lane holds first

  // `sink` receives the answer exactly once, possibly later and from another thread; its
  // `route` is the matched route's path ("unmatched" for none).
  void dispatch(const Request& req, Reply::Sink sink);

  static constexpr const char* kUnmatched = "unmatched";

 private:
  void run(const Route& route, const Call& call, const Reply& reply);

  const RouteTable& table_;
  ApiContext& ctx_;
  std::unique_ptr<WorkQueue> slow_lane_;
};

}  // namespace api
