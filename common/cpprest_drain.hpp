#pragma once
// Shutting down a cpprestsdk http_listener without a leak at exit. When a response has been
// written, cpprest posts one continuation of the reply's completion task to its thread pool
// (http_listener_msg.cpp: _reply_impl's internal .then; http_server_asio.cpp: the event set in
// handle_response_written), and http_listener::close() does not wait for it: it waits only until
// the connections are erased. A job still queued when the process exits is destroyed unrun by
// the pool's destructor, and LeakSanitizer reports its task objects (608 bytes in 3 allocations).
// Under load that window is wide enough to fail a test run.
//
// drain_cpprest_pool(), called after close().wait(), posts an empty task and waits for it: the
// pool's queue is FIFO, so once it ran every job queued before it has been picked up, and the
// pool joins running jobs at exit. Header-only: for the API server and the tests' fake servers,
// which link cpprest themselves.
#include <pplx/pplxtasks.h>

namespace common {

inline void drain_cpprest_pool() {
  pplx::create_task([] {}).wait();
}

}  // namespace common
