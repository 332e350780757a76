#pragma once
// Reads a model's answer: tolerant about the wrapping (code fences, prose around the JSON, a bare
// array), strict about the content. Every item must name an element that was asked (by id, or
// by its exact name as the only fallback), carry a numeric level inside the scale, and appear
// once; an item that fails is dropped with a reason, the rest is kept, and the elements without
// a valid item are reported as missing so that the caller asks for them again.
#include <map>
#include <string>
#include <vector>

namespace llm {

struct AskedElement {
  std::string id, name;
};

struct ParsedItem {
  double level = 0;
  std::string justification;
  std::string raw;  // the item as the model wrote it (compact JSON)
};

struct ParsedAnswer {
  bool json_found = false;                  // some JSON object/array could be read
  std::map<std::string, ParsedItem> items;  // element id -> valid item
  std::vector<std::string> missing;         // asked ids without a valid item, in asked order
  std::vector<std::string> problems;        // one line each: what was wrong
  bool complete() const { return json_found && missing.empty(); }
};

// `code`: the occupation asked about; an answer naming another occupation is rejected whole.
ParsedAnswer parse_answer(const std::string& text, const std::string& code, const std::vector<AskedElement>& asked,
                          double min_level, double max_level);

// The JSON text inside `text`: the content of the first ```/```json fence if any, else the first
// balanced {...} or [...] that parses. Empty when there is none. Exposed for tests.
std::string extract_json(const std::string& text);

}  // namespace llm
