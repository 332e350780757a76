#include "fake_onet_v2.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <thread>

#define _TURN_OFF_PLATFORM_STRING
#include <cpprest/http_listener.h>

#include "common/cpprest_drain.hpp"

namespace gaptest {

namespace http = web::http;

struct FakeOnetV2::Impl {
  std::string key;
  int port = 0;
  std::unique_ptr<http::experimental::listener::http_listener> listener;
  mutable std::mutex mu;
  std::map<std::string, nlohmann::json> occupations;        // code -> occupation object
  std::map<std::string, std::vector<nlohmann::json>> rows;  // code -> skills rows
  std::map<std::string, std::deque<int>> failures;
  std::vector<std::pair<std::string, int>> hits;  // path, count
  std::vector<std::string> keys;
  int page_limit = 1000;
  std::chrono::milliseconds delay{0};
  std::condition_variable delay_changed;  // a held answer is released as soon as the delay drops to 0
  // Handlers still running: the destructor waits for them. A held answer's client has usually
  // given up, so cpprest already erased its connection and close() does not wait for it; the
  // released handler then ran on into a destroyed Impl (a SIGSEGV seen once under ctest -j2).
  int active = 0;
  std::condition_variable idle;
  struct Active {
    Impl& impl;
    explicit Active(Impl& i) : impl(i) {
      std::lock_guard lock(impl.mu);
      ++impl.active;
    }
    ~Active() {
      std::lock_guard lock(impl.mu);
      if (--impl.active == 0) impl.idle.notify_all();
    }
  };
  std::string next_base;

  // Every answer closes its connection: cpprest then closes it itself after the write instead of
  // reading on and answering the client's EOF with a 500 of its own, a task posted after close()
  // stopped waiting (common/cpprest_drain.hpp).
  static void send(http::http_request& req, http::http_response& r) {
    r.headers().add(http::header_names::connection, "close");
    req.reply(r);
  }

  void reply(http::http_request req, int status, const nlohmann::json& body) {
    http::http_response r(static_cast<http::status_code>(status));
    r.set_body(body.dump(), "application/json");
    send(req, r);
  }

  void handle(http::http_request req) {
    Active busy(*this);
    const std::string path = req.request_uri().path();
    const auto query = web::uri::split_query(req.request_uri().query());
    std::string key;
    if (req.headers().has("X-API-Key")) key = req.headers()["X-API-Key"];
    {
      std::unique_lock lock(mu);
      keys.push_back(key);
      hits.emplace_back(path, 1);
      if (delay.count()) delay_changed.wait_for(lock, delay, [&] { return delay.count() == 0; });
    }
    if (key != this->key) return reply(req, 403, {{"error", "bad key"}});
    {
      std::lock_guard lock(mu);
      for (auto& [prefix, q] : failures) {
        if (path.starts_with(prefix) && !q.empty()) {
          int st = q.front();
          q.pop_front();
          http::http_response r(static_cast<http::status_code>(st));
          if (st == 429) r.headers().add("Retry-After", "0");
          r.set_body(std::string(R"({"error":"try later"})"), "application/json");
          send(req, r);
          return;
        }
      }
    }
    const std::string occ_prefix = "/online/occupations/";
    if (path.starts_with(occ_prefix) && path.ends_with("/")) {
      std::string code = path.substr(occ_prefix.size(), path.size() - occ_prefix.size() - 1);
      std::lock_guard lock(mu);
      auto it = occupations.find(code);
      if (it == occupations.end()) return reply(req, 422, {{"error", "Invalid O*NET-SOC code"}});
      return reply(req, 200, it->second);
    }
    if (path == "/database/rows/skills") {
      auto f = query.find("filter");
      const std::string prefix = "onetsoc_code.eq.";
      if (f == query.end() || !f->second.starts_with(prefix)) return reply(req, 422, {{"error", "filter required"}});
      std::string code = web::uri::decode(f->second.substr(prefix.size()));
      int start = query.count("start") ? std::stoi(query.at("start")) : 1;
      int end = query.count("end") ? std::stoi(query.at("end")) : start + 19;
      std::lock_guard lock(mu);
      const auto& all = rows[code];
      end = std::min({end, start + page_limit - 1, static_cast<int>(all.size())});
      nlohmann::json page = {{"start", start}, {"end", end}, {"total", all.size()}, {"row", nlohmann::json::array()}};
      for (int i = start; i <= end; ++i) page["row"].push_back(all[static_cast<std::size_t>(i - 1)]);
      if (end < static_cast<int>(all.size())) {
        std::string base = next_base.empty() ? "http://127.0.0.1:" + std::to_string(port) : next_base;
        page["next"] = base + "/database/rows/skills?filter=" + prefix + code + "&start=" + std::to_string(end + 1) +
                       "&end=" + std::to_string(end + page_limit);
      }
      return reply(req, 200, page);
    }
    reply(req, 404, {{"error", "no such resource"}});
  }
};

namespace {
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("fake O*NET: no free port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}
}  // namespace

FakeOnetV2::FakeOnetV2(std::string api_key) : impl_(std::make_unique<Impl>()) {
  impl_->key = std::move(api_key);
  for (int attempt = 0;; ++attempt) {
    impl_->port = free_port();
    try {
      impl_->listener =
          std::make_unique<http::experimental::listener::http_listener>("http://127.0.0.1:" + std::to_string(impl_->port));
      Impl* impl = impl_.get();
      impl_->listener->support([impl](http::http_request r) { impl->handle(std::move(r)); });
      impl_->listener->open().wait();
      return;
    } catch (const std::exception&) {
      if (attempt == 4) throw;
    }
  }
}

FakeOnetV2::~FakeOnetV2() {
  delay(std::chrono::milliseconds(0));  // answers still held are let go before the listener closes
  {
    std::unique_lock lock(impl_->mu);
    impl_->idle.wait(lock, [&] { return impl_->active == 0; });
  }
  try {
    impl_->listener->close().wait();
    common::drain_cpprest_pool();
  } catch (...) {
  }
}

std::string FakeOnetV2::base_url() const { return "http://127.0.0.1:" + std::to_string(impl_->port); }

void FakeOnetV2::add(const std::string& code, const std::string& title, const std::vector<Skill>& skills) {
  std::lock_guard lock(impl_->mu);
  impl_->occupations[code] = {{"code", code},
                              {"title", title},
                              {"description", "Fake description of " + title + "."},
                              {"tags", {{"bright_outlook", false}}}};
  auto& rows = impl_->rows[code];
  for (const auto& s : skills) {
    for (const char* scale : {"IM", "LV"}) {
      const bool lv = std::string(scale) == "LV";
      rows.push_back({{"onetsoc_code", code},
                      {"title", title},
                      {"element_id", s.id},
                      {"element_name", s.name},
                      {"scale_id", scale},
                      {"scale_name", lv ? "Level" : "Importance"},
                      {"data_value", lv ? s.level : s.importance},
                      {"n", 8},
                      {"standard_error", 0.1},
                      {"lower_ci_bound", nullptr},
                      {"upper_ci_bound", nullptr},
                      {"recommend_suppress", "N"},
                      {"not_relevant", lv ? nlohmann::json(s.not_relevant) : nlohmann::json(nullptr)},
                      {"date_updated", "2024-08-01"},
                      {"domain_source", "Analyst"}});
    }
  }
}

void FakeOnetV2::page_limit(int n) {
  std::lock_guard lock(impl_->mu);
  impl_->page_limit = n;
}

void FakeOnetV2::fail_first(const std::string& path_prefix, std::deque<int> statuses) {
  std::lock_guard lock(impl_->mu);
  impl_->failures[path_prefix] = std::move(statuses);
}

void FakeOnetV2::delay(std::chrono::milliseconds d) {
  {
    std::lock_guard lock(impl_->mu);
    impl_->delay = d;
  }
  impl_->delay_changed.notify_all();
}

void FakeOnetV2::next_base(const std::string& base) {
  std::lock_guard lock(impl_->mu);
  impl_->next_base = base;
}

int FakeOnetV2::hits(const std::string& path_prefix) const {
  std::lock_guard lock(impl_->mu);
  int n = 0;
  for (const auto& [p, c] : impl_->hits)
    if (p.starts_with(path_prefix)) n += c;
  return n;
}

std::vector<std::string> FakeOnetV2::keys_seen() const {
  std::lock_guard lock(impl_->mu);
  return impl_->keys;
}

}  // namespace gaptest
