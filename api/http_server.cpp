#include "api/http_server.hpp"
#include "common/cpprest_drain.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <stdexcept>

// cpprest's U() macro would break fmt (spdlog) templates; the macro is not used here.
#define _TURN_OFF_PLATFORM_STRING  // NOLINT(bugprone-reserved-identifier): cpprestsdk's own switch
#include <cpprest/http_listener.h>
#include <pplx/threadpool.h>
#include <spdlog/spdlog.h>

namespace api {

namespace http = web::http;
using web::http::experimental::listener::http_listener;

namespace {

// Asks the kernel for a free port on `host` (IPv4 literal or "localhost").
std::uint16_t free_port(const std::string& host) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket(): ") + std::strerror(errno));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = 0;
  if (host == "localhost" || ::inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1) a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    std::string err = std::strerror(errno);
    ::close(fd);
    throw std::runtime_error("cannot find a free port on " + host + ": " + err);
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

// Runs a continuation on the thread that completed its task. pplx's default scheduler posts
// each one to cpprestsdk's thread pool: a task object, a queue entry and often a futex wake-up
// of another I/O thread per answer, for `done` below, which only counts the request out (issue
// 10 §8). Stateless, so one instance serves every server.
struct InlineScheduler final : pplx::scheduler_interface {
  void schedule(pplx::TaskProc_t proc, void* param) override { proc(param); }
};

pplx::task_options inline_continuation() {
  static InlineScheduler scheduler;
  return pplx::task_options(pplx::scheduler_ptr(&scheduler));
}

// Replies and calls `done` once the response is written (or failed): until then the request
// counts as in flight, so stop() does not close its connection under it. The body is moved into
// cpprestsdk's message (a /skill-gap answer is ~16 KB; set_body(const&) would copy it).
void send(const http::http_request& req, Response resp, bool close, std::function<void()> done) {
  http::http_response out(static_cast<http::status_code>(resp.status));
  for (const auto& [k, v] : resp.headers) out.headers().add(k, v);
  if (close) out.headers().add(http::header_names::connection, "close");
  out.set_body(std::move(resp.body), resp.content_type);
  req.reply(out).then(
      [done = std::move(done)](const pplx::task<void>& t) {
        try {
          t.get();
        } catch (const std::exception& e) {
          spdlog::debug("http: reply not delivered: {}", e.what());
        }
        done();
      },
      inline_continuation());
}

}  // namespace

struct HttpServer::Impl {
  ServerOptions opts;
  Handler handler;
  std::uint16_t port = 0;
  std::unique_ptr<http_listener> listener;
  std::atomic<bool> draining{false};
  std::atomic<std::int64_t> in_flight{0};
  std::atomic<std::int64_t> last_activity_ns{0};  // steady clock: last request start or end
  std::mutex mu;
  std::condition_variable idle;
  bool stopped = false;

  void touch() { last_activity_ns = std::chrono::steady_clock::now().time_since_epoch().count(); }

  void done() {
    touch();
    if (in_flight.fetch_sub(1) == 1) {
      std::lock_guard lock(mu);
      idle.notify_all();
    }
  }

  void on_request(const http::http_request& req) {
    in_flight.fetch_add(1);
    touch();
    if (draining.load()) {
      Response r;
      r.status = 503;
      r.headers.emplace_back("Retry-After", "1");
      r.body = R"({"success":false,"error":"shutting_down","message":"Error: The server is shutting down.","result":{}})";
      send(req, std::move(r), true, [this] { done(); });
      return;
    }
    Request r;
    r.method = req.method();
    const auto& uri = req.request_uri();
    r.path = uri.path();
    r.query = uri.query();
    // Counted until the reply is handed to the transport, so stop() waits for it.
    auto responded = std::make_shared<std::atomic<bool>>(false);
    auto respond = [this, req, responded](Response resp) mutable {
      if (responded->exchange(true)) return;
      try {
        send(req, std::move(resp), false, [this] { done(); });
      } catch (const std::exception& e) {
        spdlog::warn("http: reply failed: {}", e.what());
        done();
      }
    };
    try {
      handler(r, respond);
    } catch (const std::exception& e) {
      spdlog::error("http: handler failed: {}", e.what());
      Response err;
      err.status = 500;
      err.body = R"({"success":false,"error":"internal_error","message":"Error: Internal server error.","result":{}})";
      respond(std::move(err));
    }
  }
};

HttpServer::HttpServer(ServerOptions opts, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->opts = std::move(opts);
  impl_->handler = std::move(handler);
}

HttpServer::~HttpServer() {
  try {
    stop();
  } catch (...) {
  }
}

void HttpServer::start() {
  const std::string& host = impl_->opts.host;
  int attempts = impl_->opts.port == 0 ? 5 : 1;  // an ephemeral port may be taken between probe and bind
  std::string last_error;
  for (int i = 0; i < attempts; ++i) {
    impl_->port = impl_->opts.port ? impl_->opts.port : free_port(host);
    const std::string url = "http://" + host + ":" + std::to_string(impl_->port);
    try {
      impl_->listener = std::make_unique<http_listener>(url);
      Impl* impl = impl_.get();
      impl_->listener->support([impl](const http::http_request& req) { impl->on_request(req); });
      impl_->listener->open().wait();
      return;
    } catch (const std::exception& e) {
      last_error = e.what();
      impl_->listener.reset();
    }
  }
  throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(impl_->port) + ": " + last_error);
}

void HttpServer::stop() {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped || !impl_->listener) return;
    impl_->stopped = true;
  }
  impl_->draining = true;
  impl_->touch();  // the quiet period counts from the start of the drain at the earliest
  // cpprest cannot stop accepting without closing every connection, so the listener stays
  // open while draining and answers newcomers 503; it closes once nothing was in flight for
  // a quiet moment (requests already sent on open connections get dispatched meanwhile).
  const auto quiet = std::chrono::milliseconds(200);
  const auto deadline = std::chrono::steady_clock::now() + impl_->opts.drain_timeout;
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    const auto idle_for =
        now - std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(impl_->last_activity_ns.load()));
    if ((impl_->in_flight.load() == 0 && idle_for >= quiet) || now >= deadline) break;
    std::unique_lock lock(impl_->mu);
    impl_->idle.wait_for(lock, std::chrono::milliseconds(20));
  }
  if (auto n = impl_->in_flight.load(); n > 0) spdlog::warn("http: closing with {} request(s) still in flight", n);
  impl_->listener->close().wait();
  common::drain_cpprest_pool();  // the replies' last continuations (common/cpprest_drain.hpp)
}

std::uint16_t HttpServer::port() const { return impl_->port; }
std::string HttpServer::base_url() const { return "http://" + impl_->opts.host + ":" + std::to_string(impl_->port); }
bool HttpServer::draining() const { return impl_->draining.load(); }

std::size_t HttpServer::in_flight() const { return static_cast<std::size_t>(std::max<std::int64_t>(0, impl_->in_flight.load())); }

bool init_http_threads(std::size_t threads) {
  static std::once_flag once;
  bool did = false;
  std::call_once(once, [&] {
    crossplat::threadpool::initialize_with_threads(threads);
    did = true;
  });
  return did;
}

}  // namespace api
