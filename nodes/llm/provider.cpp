#include "nodes/llm/provider.hpp"

#include <stdexcept>

#include "common/redact.hpp"
#include "nodes/llm/retry_policy.hpp"

namespace llm {

namespace {

// Shorter than this is no real API key: replacing it in every answer would garble the answer.
constexpr std::size_t kMinKeySize = 4;

std::string shorten(const std::string& s, std::size_t n = 300) { return s.size() > n ? s.substr(0, n) + "..." : s; }

// The error message a provider puts in a 4xx/5xx body, for the log and the journal.
std::string error_message(const std::string& body) {
  try {
    auto j = nlohmann::json::parse(body);
    if (j.is_object() && j.contains("error")) {
      const auto& e = j["error"];
      if (e.is_object() && e.contains("message") && e["message"].is_string()) return e["message"].get<std::string>();
      if (e.is_string()) return e.get<std::string>();
    }
  } catch (const nlohmann::json::exception&) {
  }
  return shorten(body, 200);
}

class HttpProvider final : public Provider {
 public:
  HttpProvider(std::unique_ptr<WireFormat> wire, std::unique_ptr<HttpTransport> t, std::string base_url, std::string model,
               std::string key, double temperature)
      : wire_(std::move(wire)),
        t_(std::move(t)),
        base_(std::move(base_url)),
        model_(std::move(model)),
        key_(std::move(key)),
        temperature_(temperature) {}

  std::string name() const override { return wire_->name(); }
  std::string model() const override { return model_; }

  Reply complete(const Request& req) override {
    Reply r;
    HttpResult h = t_->post(wire_->path(base_, model_), wire_->headers(key_), wire_->body(req, model_, temperature_));
    r.latency_ms = h.latency_ms;
    r.http_status = h.status;
    r.body = common::scrub(std::move(h.body), key_, kMinKeySize);
    if (h.timed_out) {
      r.outcome = Outcome::Timeout;
      r.detail = "no answer within the timeout";
    } else if (h.status == 0) {
      r.outcome = Outcome::Transport;
      r.detail = common::scrub(h.error, key_, kMinKeySize);
    } else if (h.status == 429) {
      r.outcome = Outcome::RateLimited;
      r.retry_after_s = parse_retry_after(h.retry_after);
      r.detail = "HTTP 429: " + error_message(r.body);
    } else if (h.status >= 500) {
      r.outcome = Outcome::ServerError;
      r.retry_after_s = parse_retry_after(h.retry_after);
      r.detail = "HTTP " + std::to_string(h.status) + ": " + error_message(r.body);
    } else if (h.status >= 200 && h.status < 300) {
      wire_->read(r);
    } else {
      r.outcome = Outcome::ClientError;
      r.detail = "HTTP " + std::to_string(h.status) + ": " + error_message(r.body);
    }
    r.detail = common::scrub(r.detail, key_, kMinKeySize);
    return r;
  }

 private:
  std::unique_ptr<WireFormat> wire_;
  std::unique_ptr<HttpTransport> t_;
  std::string base_, model_, key_;
  double temperature_;
};

class ReplayProvider final : public Provider {
 public:
  ReplayProvider(std::string path, std::string model)
      : cassette_(std::move(path), Cassette::Mode::Read), model_(model.empty() ? "cassette" : std::move(model)) {}
  std::string name() const override { return "replay"; }
  std::string model() const override { return model_; }
  Reply complete(const Request& req) override {
    Reply r;
    auto e = cassette_.find(req.hash);
    if (!e) {
      r.outcome = Outcome::NoRecording;
      r.detail = "no recorded answer for request " + req.hash.substr(0, 12) + " in " + cassette_.path();
      return r;
    }
    auto wire = make_wire_format(e->provider);
    if (!wire) {
      r.outcome = Outcome::NoRecording;
      r.detail = "the cassette entry " + req.hash.substr(0, 12) + " names an unknown provider '" + e->provider + "'";
      return r;
    }
    r.http_status = e->status;
    r.body = e->body;
    wire->read(r);
    return r;
  }

 private:
  Cassette cassette_;
  std::string model_;
};

// Records every 2xx answer of the wrapped provider (answers, including empty and blocked ones,
// not transient errors).
class RecordingProvider final : public Provider {
 public:
  RecordingProvider(std::unique_ptr<Provider> inner, std::string path)
      : inner_(std::move(inner)), cassette_(std::move(path), Cassette::Mode::Append) {}
  std::string name() const override { return inner_->name(); }
  std::string model() const override { return inner_->model(); }
  Reply complete(const Request& req) override {
    Reply r = inner_->complete(req);
    if (r.http_status >= 200 && r.http_status < 300) {
      cassette_.append({req.hash, inner_->name(), inner_->model(), r.http_status, r.body});
    }
    return r;
  }

 private:
  std::unique_ptr<Provider> inner_;
  Cassette cassette_;
};

}  // namespace

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::Ok:
      return "ok";
    case Outcome::RateLimited:
      return "rate limited";
    case Outcome::ServerError:
      return "server error";
    case Outcome::Timeout:
      return "timeout";
    case Outcome::Transport:
      return "connection failed";
    case Outcome::Empty:
      return "empty answer";
    case Outcome::Blocked:
      return "blocked";
    case Outcome::ClientError:
      return "request refused";
    case Outcome::NoRecording:
      return "not in the cassette";
  }
  return "?";
}

bool retryable(Outcome o) {
  switch (o) {
    case Outcome::RateLimited:
    case Outcome::ServerError:
    case Outcome::Timeout:
    case Outcome::Transport:
    case Outcome::Empty:
      return true;
    default:
      return false;
  }
}

std::string default_base_url(const std::string& provider) {
  if (provider == "gemini") return "https://generativelanguage.googleapis.com";
  if (provider == "openai") return "https://api.openai.com";
  return {};
}

std::unique_ptr<Provider> make_http_provider(std::unique_ptr<WireFormat> wire, std::unique_ptr<HttpTransport> t,
                                             std::string base_url, std::string model, std::string api_key, double temperature) {
  return std::make_unique<HttpProvider>(std::move(wire), std::move(t), std::move(base_url), std::move(model), std::move(api_key),
                                        temperature);
}

std::unique_ptr<Provider> make_provider(const ProviderOptions& o) {
  if (o.provider == "replay") {
    if (o.cassette.empty()) throw std::invalid_argument("parameter 'cassette': provider replay needs a cassette file");
    if (o.record) throw std::invalid_argument("parameter 'record': a replay cannot record (record with gemini or openai)");
    return std::make_unique<ReplayProvider>(o.cassette, o.model);
  }
  auto wire = make_wire_format(o.provider);
  if (!wire) {
    throw std::invalid_argument("parameter 'provider': '" + o.provider + "' is not one of gemini, openai, replay, none");
  }
  if (o.model.empty()) {
    throw std::invalid_argument("parameter 'model' is empty: provider " + o.provider +
                                " needs a model name (set LLM_MODEL or params.model)");
  }
  if (o.provider == "gemini" && o.api_key.empty()) {
    throw std::invalid_argument(
        "parameter 'api_key' is empty: provider gemini needs a key "
        "(set LLM_API_KEY or GEMINI_API_KEY)");
  }
  std::string base = o.base_url.empty() ? default_base_url(o.provider) : o.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::unique_ptr<HttpTransport> t;
  try {
    t = make_cpprest_transport(base, o.timeout);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("parameter 'base_url': ") + e.what());
  }
  std::unique_ptr<Provider> p = make_http_provider(std::move(wire), std::move(t), base, o.model, o.api_key, o.temperature);
  if (o.record) {
    if (o.cassette.empty()) throw std::invalid_argument("parameter 'cassette': record: true needs a cassette path to write");
    p = std::make_unique<RecordingProvider>(std::move(p), o.cassette);
  }
  return p;
}

}  // namespace llm
