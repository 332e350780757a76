#pragma once
// What the LLM parts exchange: the provider-neutral request for one occupation, and a
// provider's reply to it. Wire formats (gemini, openai) translate both.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace llm {

// Version of the prompt text and answer schema. Part of the cache key: changing the wording
// of prompt.cpp must change this, so that old answers are not reused for a new question.
inline constexpr const char* kPromptVersion = "lv-grounded-v2";

// clang-tidy 14 flags the implicit move constructor, though every member's move (strings,
// vector, nlohmann::json) is noexcept.
// NOLINTNEXTLINE(bugprone-exception-escape)
struct Request {
  std::string occupation_code;
  std::vector<std::string> element_ids;  // the elements asked, in prompt order
  std::string system, user;              // prompt text
  nlohmann::json schema;                 // JSON Schema of the answer (lowercase types)
  std::string hash;                      // sha256 over version, system, user and schema
};

enum class Outcome {
  Ok,           // 2xx with model text
  RateLimited,  // 429
  ServerError,  // 5xx
  Timeout,      // no answer within timeout_s
  Transport,    // connection refused/reset, TLS, DNS
  Empty,        // 2xx without any text (no candidates / empty content): retried
  Blocked,      // the provider refused the content (safety, recitation, refusal): not retried
  ClientError,  // other 4xx (bad key, unknown model, bad request): stops the run
  NoRecording,  // replay: the cassette has no answer for this request: not retried
};
const char* to_string(Outcome o);
bool retryable(Outcome o);

struct Reply {
  Outcome outcome = Outcome::Transport;
  int http_status = 0;
  std::string body;                     // the response body as received (wire format)
  std::string text;                     // the model's answer text (Ok)
  std::optional<double> retry_after_s;  // Retry-After of a 429/503, in seconds
  std::optional<long long> prompt_tokens, completion_tokens;
  double latency_ms = 0;
  std::string detail;  // short reason for logs and the journal; never holds a key
};

}  // namespace llm
