#pragma once
// The two wire formats: how a Request becomes an HTTP body, and how a 2xx body becomes the
// model's text (or a blocked/empty outcome) and token counts.
//   gemini: POST {base}/v1beta/models/{model}:generateContent, key in x-goog-api-key,
//           generationConfig.responseMimeType=application/json + responseSchema.
//   openai: POST {base}/v1/chat/completions (or {base}/chat/completions when base ends in /v1),
//           Authorization: Bearer key (omitted when there is no key, for local servers),
//           response_format {type: json_schema, json_schema: {name, strict: true, schema}}.
#include <memory>
#include <string>

#include "nodes/llm/http_transport.hpp"
#include "nodes/llm/types.hpp"

namespace llm {

class WireFormat {
 public:
  virtual ~WireFormat() = default;
  virtual std::string name() const = 0;  // "gemini" | "openai"
  virtual std::string path(const std::string& base_url, const std::string& model) const = 0;
  virtual Headers headers(const std::string& api_key) const = 0;
  virtual std::string body(const Request& r, const std::string& model, double temperature) const = 0;
  // Reads a 2xx body into reply.text, tokens and outcome (Ok, Empty or Blocked).
  virtual void read(Reply& reply) const = 0;
};

// nullptr for an unknown name.
std::unique_ptr<WireFormat> make_wire_format(const std::string& name);

// Gemini's responseSchema dialect of a JSON Schema: upper-case types, enums marked
// format: enum, no additionalProperties.
nlohmann::json to_gemini_schema(const nlohmann::json& schema);

}  // namespace llm
