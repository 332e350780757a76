#pragma once
// A fake LLM server on 127.0.0.1 (cpprestsdk listener, ephemeral port) speaking both wire
// formats llm_enrich uses:
//   POST /v1beta/models/{model}:generateContent   (gemini; key in x-goog-api-key)
//   POST /v1/chat/completions                     (openai; key as Authorization: Bearer)
// Every request is parsed back into what was asked (occupation code and element ids, read from
// the prompt's "Occupation code:" line and its closing list of ids), recorded, and answered by
// a per-test script. Delayed answers are sent from a timer thread, so a slow answer occupies no
// listener thread (the bench runs 16 at a time).
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmtest {

struct FakeCall {
  std::string format;  // "gemini" | "openai"
  std::string path, model;
  std::string key;                           // x-goog-api-key, or the Bearer token; empty when absent
  std::string query;                         // the URL's query string (must never hold the key)
  std::string code;                          // occupation asked about
  std::vector<std::string> element_ids;      // ids asked, in prompt order
  std::string system, user;                  // prompt text
  nlohmann::json body;                       // whole request body
  int attempt = 1;                           // 1 for the first request about this occupation, ...
  std::chrono::steady_clock::time_point at;  // when it arrived
};

struct FakeAnswer {
  int status = 200;
  std::string text;                     // the model's text, wrapped in the wire format
  std::optional<std::string> raw_body;  // or exactly this body
  std::string retry_after;              // Retry-After header when not empty
  std::chrono::milliseconds delay{0};   // before answering
  std::string finish_reason;            // overrides STOP / stop
  bool no_candidates = false;           // gemini: "candidates": [] (with block_reason if set)
  std::string block_reason;             // gemini promptFeedback.blockReason
  std::string refusal;                  // openai message.refusal
};

using Script = std::function<FakeAnswer(const FakeCall&)>;

// The text of a well-formed answer: {"occupation_code": code, "skills": [{element_id, level,
// justification}]} for the given levels.
std::string answer_text(const std::string& code, const std::vector<std::pair<std::string, double>>& levels);

class FakeLlmServer {
 public:
  FakeLlmServer();  // throws std::runtime_error when no port could be opened
  ~FakeLlmServer();
  FakeLlmServer(const FakeLlmServer&) = delete;
  FakeLlmServer& operator=(const FakeLlmServer&) = delete;

  std::string base_url() const;  // http://127.0.0.1:<port>
  void script(Script s);         // default: 500 "no script"
  int calls() const;
  int calls_for(const std::string& code) const;
  std::vector<FakeCall> log() const;
  void reset_log();
  int max_in_flight() const;  // most requests being answered at the same time

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace llmtest
