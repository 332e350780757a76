#include "nodes/llm/wire_format.hpp"

#include <algorithm>
#include <cctype>

namespace llm {

namespace {

using nlohmann::json;

std::optional<long long> int_field(const json& obj, const char* key) {
  if (!obj.is_object()) return std::nullopt;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<long long>();
}

std::string str_field(const json& obj, const char* key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool parse_body(Reply& r, json& out) {
  try {
    out = json::parse(r.body);
    return true;
  } catch (const json::exception&) {
    r.outcome = Outcome::Empty;
    r.detail = "the response body is not JSON";
    return false;
  }
}

class Gemini final : public WireFormat {
 public:
  std::string name() const override { return "gemini"; }
  std::string path(const std::string&, const std::string& model) const override {
    std::string m = model.rfind("models/", 0) == 0 ? model.substr(7) : model;
    return "/v1beta/models/" + m + ":generateContent";
  }
  Headers headers(const std::string& key) const override { return {{"x-goog-api-key", key}}; }
  std::string body(const Request& r, const std::string&, double temperature) const override {
    json b = {{"systemInstruction", {{"parts", json::array({{{"text", r.system}}})}}},
              {"contents", json::array({{{"role", "user"}, {"parts", json::array({{{"text", r.user}}})}}})},
              {"generationConfig",
               {{"temperature", temperature},
                {"responseMimeType", "application/json"},
                {"responseSchema", to_gemini_schema(r.schema)}}}};
    return b.dump();
  }
  void read(Reply& r) const override {
    json b;
    if (!parse_body(r, b)) return;
    if (auto u = b.find("usageMetadata"); u != b.end()) {
      r.prompt_tokens = int_field(*u, "promptTokenCount");
      r.completion_tokens = int_field(*u, "candidatesTokenCount");
    }
    const std::string block = b.contains("promptFeedback") ? str_field(b["promptFeedback"], "blockReason") : "";
    auto cands = b.find("candidates");
    if (cands == b.end() || !cands->is_array() || cands->empty()) {
      r.outcome = block.empty() ? Outcome::Empty : Outcome::Blocked;
      r.detail = block.empty() ? "no candidates in the answer" : "prompt blocked (" + block + ")";
      return;
    }
    const json& c = (*cands)[0];
    std::string text;
    if (c.contains("content") && c["content"].contains("parts") && c["content"]["parts"].is_array()) {
      for (const auto& p : c["content"]["parts"]) text += str_field(p, "text");
    }
    const std::string finish = str_field(c, "finishReason");
    if (text.empty()) {
      static const char* blocked[] = {"SAFETY", "RECITATION",   "BLOCKLIST", "PROHIBITED_CONTENT",
                                      "SPII",   "IMAGE_SAFETY", "LANGUAGE"};
      bool is_blocked = std::any_of(std::begin(blocked), std::end(blocked), [&](const char* b) { return finish == b; });
      r.outcome = is_blocked ? Outcome::Blocked : Outcome::Empty;
      r.detail = "empty candidate" + (finish.empty() ? std::string() : " (finishReason " + finish + ")");
      return;
    }
    r.text = std::move(text);
    r.outcome = Outcome::Ok;
    if (!finish.empty() && finish != "STOP") r.detail = "finishReason " + finish;
  }
};

class OpenAi final : public WireFormat {
 public:
  std::string name() const override { return "openai"; }
  std::string path(const std::string& base, const std::string&) const override {
    std::string b = base;
    while (!b.empty() && b.back() == '/') b.pop_back();
    return b.size() >= 3 && b.compare(b.size() - 3, 3, "/v1") == 0 ? "/chat/completions" : "/v1/chat/completions";
  }
  Headers headers(const std::string& key) const override {
    if (key.empty()) return {};
    return {{"Authorization", "Bearer " + key}};
  }
  std::string body(const Request& r, const std::string& model, double temperature) const override {
    json b = {{"model", model},
              {"temperature", temperature},
              {"messages", json::array({{{"role", "system"}, {"content", r.system}}, {{"role", "user"}, {"content", r.user}}})},
              {"response_format",
               {{"type", "json_schema"}, {"json_schema", {{"name", "skill_levels"}, {"strict", true}, {"schema", r.schema}}}}}};
    return b.dump();
  }
  void read(Reply& r) const override {
    json b;
    if (!parse_body(r, b)) return;
    if (auto u = b.find("usage"); u != b.end()) {
      r.prompt_tokens = int_field(*u, "prompt_tokens");
      r.completion_tokens = int_field(*u, "completion_tokens");
    }
    auto choices = b.find("choices");
    if (choices == b.end() || !choices->is_array() || choices->empty()) {
      r.outcome = Outcome::Empty;
      r.detail = "no choices in the answer";
      return;
    }
    const json& c = (*choices)[0];
    const std::string finish = str_field(c, "finish_reason");
    const json msg = c.contains("message") ? c["message"] : json::object();
    const std::string refusal = str_field(msg, "refusal");
    std::string text = str_field(msg, "content");
    if (!refusal.empty() || (text.empty() && finish == "content_filter")) {
      r.outcome = Outcome::Blocked;
      r.detail = refusal.empty() ? "finish_reason content_filter" : "refusal: " + refusal.substr(0, 200);
      return;
    }
    if (text.empty()) {
      r.outcome = Outcome::Empty;
      r.detail = "empty message content" + (finish.empty() ? std::string() : " (finish_reason " + finish + ")");
      return;
    }
    r.text = std::move(text);
    r.outcome = Outcome::Ok;
    if (!finish.empty() && finish != "stop") r.detail = "finish_reason " + finish;
  }
};

}  // namespace

json to_gemini_schema(const json& s) {
  if (s.is_array()) {
    json out = json::array();
    for (const auto& v : s) out.push_back(to_gemini_schema(v));
    return out;
  }
  if (!s.is_object()) return s;
  json out = json::object();
  for (const auto& [k, v] : s.items()) {
    if (k == "additionalProperties") continue;
    if (k == "type" && v.is_string()) {
      std::string t = v.get<std::string>();
      std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      out[k] = t;
    } else if (k == "properties" && v.is_object()) {
      json props = json::object();
      for (const auto& [pk, pv] : v.items()) props[pk] = to_gemini_schema(pv);
      out[k] = props;
    } else if (k == "enum") {
      out[k] = v;
      out["format"] = "enum";
    } else {
      out[k] = to_gemini_schema(v);
    }
  }
  return out;
}

std::unique_ptr<WireFormat> make_wire_format(const std::string& name) {
  if (name == "gemini") return std::make_unique<Gemini>();
  if (name == "openai") return std::make_unique<OpenAi>();
  return nullptr;
}

}  // namespace llm
