#include "fake_llm_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <queue>
#include <regex>
#include <thread>

#define _TURN_OFF_PLATFORM_STRING
#include <cpprest/http_listener.h>

#include "common/cpprest_drain.hpp"

namespace llmtest {

namespace http = web::http;
using nlohmann::json;

std::string answer_text(const std::string& code, const std::vector<std::pair<std::string, double>>& levels) {
  json skills = json::array();
  for (const auto& [id, level] : levels) {
    skills.push_back({{"element_id", id}, {"level", level}, {"justification", "fake rating of " + id}});
  }
  return json{{"occupation_code", code}, {"skills", skills}}.dump();
}

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
    throw std::runtime_error("fake LLM server: no free port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

std::string after(const std::string& text, const std::string& marker) {
  auto p = text.find(marker);
  if (p == std::string::npos) return {};
  p += marker.size();
  auto e = text.find('\n', p);
  return text.substr(p, e == std::string::npos ? std::string::npos : e - p);
}

std::vector<std::string> split_ids(const std::string& list) {
  std::vector<std::string> out;
  std::size_t p = 0;
  while (p < list.size()) {
    auto e = list.find(", ", p);
    out.push_back(list.substr(p, e == std::string::npos ? std::string::npos : e - p));
    if (e == std::string::npos) break;
    p = e + 2;
  }
  return out;
}

json wire_body(const FakeCall& c, const FakeAnswer& a) {
  if (c.format == "gemini") {
    if (a.no_candidates) {
      json b = {{"candidates", json::array()}};
      if (!a.block_reason.empty()) b["promptFeedback"] = {{"blockReason", a.block_reason}};
      return b;
    }
    json cand = {{"content", {{"role", "model"}, {"parts", json::array({{{"text", a.text}}})}}},
                 {"finishReason", a.finish_reason.empty() ? "STOP" : a.finish_reason}};
    if (a.text.empty()) cand["content"]["parts"] = json::array();
    return {{"candidates", json::array({cand})},
            {"usageMetadata",
             {{"promptTokenCount", static_cast<int>(c.user.size() / 4)},
              {"candidatesTokenCount", static_cast<int>(a.text.size() / 4)}}}};
  }
  json msg = {{"role", "assistant"}, {"content", a.text.empty() ? json(nullptr) : json(a.text)}};
  if (!a.refusal.empty()) msg["refusal"] = a.refusal;
  return {
      {"id", "chatcmpl-fake"},
      {"choices",
       json::array({{{"index", 0}, {"message", msg}, {"finish_reason", a.finish_reason.empty() ? "stop" : a.finish_reason}}})},
      {"usage",
       {{"prompt_tokens", static_cast<int>(c.user.size() / 4)}, {"completion_tokens", static_cast<int>(a.text.size() / 4)}}}};
}

}  // namespace

struct FakeLlmServer::Impl {
  int port = 0;
  std::unique_ptr<http::experimental::listener::http_listener> listener;
  mutable std::mutex mu;
  Script script;
  std::vector<FakeCall> calls;
  std::map<std::string, int> attempts;
  int in_flight = 0, max_in_flight = 0;

  // Delayed replies, sent by one timer thread in deadline order.
  struct Pending {
    std::chrono::steady_clock::time_point at;
    std::uint64_t seq;
    std::shared_ptr<http::http_request> req;
    std::shared_ptr<http::http_response> resp;
    bool operator>(const Pending& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>> pending;
  std::uint64_t seq = 0;
  std::condition_variable cv;
  bool stop = false;
  std::thread timer;

  void send(http::http_request& req, http::http_response& resp) {
    {
      // Before the reply leaves: once the client has it, it may send its next request.
      std::lock_guard lock(mu);
      --in_flight;
    }
    try {
      // Connection: close, so that cpprest closes it after the write (common/cpprest_drain.hpp).
      resp.headers().add(http::header_names::connection, "close");
      req.reply(resp).wait();
    } catch (...) {
      // The client gave up (timeout) and closed the connection: nothing to do.
    }
  }

  void timer_loop() {
    std::unique_lock lock(mu);
    while (true) {
      if (stop && pending.empty()) return;
      if (pending.empty()) {
        cv.wait(lock);
        continue;
      }
      auto at = pending.top().at;
      if (std::chrono::steady_clock::now() < at && !stop) {
        cv.wait_until(lock, at);
        continue;
      }
      Pending p = pending.top();
      pending.pop();
      lock.unlock();
      send(*p.req, *p.resp);
      lock.lock();
    }
  }

  void handle(http::http_request req) {
    FakeCall c;
    c.at = std::chrono::steady_clock::now();
    c.path = req.request_uri().path();
    c.query = req.request_uri().query();
    {
      std::lock_guard lock(mu);
      ++in_flight;
      max_in_flight = std::max(max_in_flight, in_flight);
    }
    std::string body_text;
    try {
      body_text = req.extract_utf8string(true).get();
      c.body = json::parse(body_text);
    } catch (const std::exception&) {
      http::http_response r(http::status_codes::BadRequest);
      r.set_body(std::string(R"({"error":{"message":"body is not JSON"}})"), "application/json");
      send(req, r);
      return;
    }
    static const std::regex gemini_path(R"(^/v1beta/models/([^/:]+):generateContent$)");
    std::smatch m;
    if (std::regex_match(c.path, m, gemini_path)) {
      c.format = "gemini";
      c.model = m[1];
      if (req.headers().has("x-goog-api-key")) c.key = req.headers()["x-goog-api-key"];
      try {
        c.user = c.body.at("contents").at(0).at("parts").at(0).at("text").get<std::string>();
        c.system = c.body.at("systemInstruction").at("parts").at(0).at("text").get<std::string>();
      } catch (const std::exception&) {
      }
    } else if (c.path == "/v1/chat/completions") {
      c.format = "openai";
      c.model = c.body.value("model", "");
      if (req.headers().has("Authorization")) {
        std::string a = req.headers()["Authorization"];
        c.key = a.rfind("Bearer ", 0) == 0 ? a.substr(7) : a;
      }
      for (const auto& msg : c.body.value("messages", json::array())) {
        if (msg.value("role", "") == "user") c.user = msg.value("content", "");
        if (msg.value("role", "") == "system") c.system = msg.value("content", "");
      }
    } else {
      http::http_response r(http::status_codes::NotFound);
      r.set_body(std::string(R"({"error":{"message":"no such endpoint"}})"), "application/json");
      send(req, r);
      return;
    }
    c.code = after(c.user, "Occupation code: ");
    c.element_ids = split_ids(after(c.user, "Give exactly one item for each of these element ids, and no other: "));

    Script s;
    {
      std::lock_guard lock(mu);
      c.attempt = ++attempts[c.code];
      calls.push_back(c);
      s = script;
    }
    FakeAnswer a;
    if (s) {
      a = s(c);
    } else {
      a.status = 500;
      a.raw_body = R"({"error":{"message":"the fake server has no script"}})";
    }
    auto resp = std::make_shared<http::http_response>(static_cast<http::status_code>(a.status));
    if (!a.retry_after.empty()) resp->headers().add("Retry-After", a.retry_after);
    std::string body =
        a.raw_body ? *a.raw_body
                   : (a.status / 100 == 2 ? wire_body(c, a).dump() : std::string(R"({"error":{"message":"fake error"}})"));
    resp->set_body(body, "application/json");
    if (a.delay.count() <= 0) {
      send(req, *resp);
      return;
    }
    {
      std::lock_guard lock(mu);
      pending.push(
          Pending{std::chrono::steady_clock::now() + a.delay, seq++, std::make_shared<http::http_request>(std::move(req)), resp});
    }
    cv.notify_all();
  }
};

FakeLlmServer::FakeLlmServer() : impl_(std::make_unique<Impl>()) {
  impl_->timer = std::thread([impl = impl_.get()] { impl->timer_loop(); });
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
      if (attempt == 4) {
        {
          std::lock_guard lock(impl_->mu);
          impl_->stop = true;
        }
        impl_->cv.notify_all();
        impl_->timer.join();
        throw;
      }
    }
  }
}

FakeLlmServer::~FakeLlmServer() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stop = true;
  }
  impl_->cv.notify_all();
  impl_->timer.join();  // sends what is still pending first
  try {
    impl_->listener->close().wait();
    common::drain_cpprest_pool();
  } catch (...) {
  }
}

std::string FakeLlmServer::base_url() const { return "http://127.0.0.1:" + std::to_string(impl_->port); }

void FakeLlmServer::script(Script s) {
  std::lock_guard lock(impl_->mu);
  impl_->script = std::move(s);
}

int FakeLlmServer::calls() const {
  std::lock_guard lock(impl_->mu);
  return static_cast<int>(impl_->calls.size());
}

int FakeLlmServer::calls_for(const std::string& code) const {
  std::lock_guard lock(impl_->mu);
  int n = 0;
  for (const auto& c : impl_->calls) n += c.code == code ? 1 : 0;
  return n;
}

std::vector<FakeCall> FakeLlmServer::log() const {
  std::lock_guard lock(impl_->mu);
  return impl_->calls;
}

void FakeLlmServer::reset_log() {
  std::lock_guard lock(impl_->mu);
  impl_->calls.clear();
  impl_->attempts.clear();
  impl_->max_in_flight = 0;
}

int FakeLlmServer::max_in_flight() const {
  std::lock_guard lock(impl_->mu);
  return impl_->max_in_flight;
}

}  // namespace llmtest
