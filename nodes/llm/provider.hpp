#pragma once
// A provider answers one Request. Implementations: a wire format over HTTP (gemini, openai),
// a replay from a cassette, and a recorder wrapping an HTTP provider. Thread-safe: every
// worker calls complete() on the same provider.
#include <memory>
#include <string>

#include "nodes/llm/cassette.hpp"
#include "nodes/llm/http_transport.hpp"
#include "nodes/llm/types.hpp"
#include "nodes/llm/wire_format.hpp"

namespace llm {

class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string name() const = 0;   // cache key part: "gemini", "openai", "replay"
  virtual std::string model() const = 0;  // cache key part
  virtual Reply complete(const Request& r) = 0;
};

struct ProviderOptions {
  std::string provider;  // gemini | openai | replay
  std::string base_url;  // default per provider when empty
  std::string model;
  std::string api_key;  // never logged; scrubbed from any text a server sends back
  std::chrono::milliseconds timeout{60000};
  double temperature = 0;
  std::string cassette;  // replay: read; with record: written
  bool record = false;
};

// Throws std::invalid_argument with a message naming the parameter when options are unusable
// (unknown provider, no model, gemini without a key, bad URL, replay without a cassette).
std::unique_ptr<Provider> make_provider(const ProviderOptions& o);

// For tests and the bench: an HTTP provider over a given transport.
std::unique_ptr<Provider> make_http_provider(std::unique_ptr<WireFormat> wire, std::unique_ptr<HttpTransport> t,
                                             std::string base_url, std::string model, std::string api_key, double temperature);

std::string default_base_url(const std::string& provider);

}  // namespace llm
