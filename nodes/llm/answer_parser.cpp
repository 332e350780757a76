#include "nodes/llm/answer_parser.hpp"

#include <charconv>
#include <cstdio>
#include <cmath>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

namespace llm {

namespace {

using nlohmann::json;

std::string trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(0, s.find_first_not_of(ws));
  auto e = s.find_last_not_of(ws);
  s.erase(e == std::string::npos ? 0 : e + 1);
  return s;
}

// Where a scan over JSON text stands with respect to strings: feed every character to
// `quoted`, which says whether it belongs to a string (its quotes included), so that brackets
// inside strings are not counted.
struct StringState {
  bool in_string = false, escaped = false;
  bool quoted(char c) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      return true;
    }
    if (c == '"') in_string = true;
    return in_string;
  }
};

// End (exclusive) of the balanced bracket expression starting at `open`, honouring strings;
// npos when unbalanced. Each character looked at costs one unit of `budget`; npos when spent.
std::size_t balanced_end(const std::string& s, std::size_t open, std::size_t& budget) {
  std::vector<char> stack;
  StringState str;
  for (std::size_t i = open; i < s.size(); ++i) {
    if (budget == 0) return std::string::npos;
    --budget;
    char c = s[i];
    if (str.quoted(c)) continue;
    if (c == '{' || c == '[')
      stack.push_back(c == '{' ? '}' : ']');
    else if (c == '}' || c == ']') {
      if (stack.empty() || stack.back() != c) return std::string::npos;
      stack.pop_back();
      if (stack.empty()) return i + 1;
    }
  }
  return std::string::npos;
}

// An answer is an object holding an array of flat objects: three levels. Deeper JSON is not an
// answer, and nlohmann's dump() (used on items for messages) recurses once per level: 30,000
// nested arrays overflowed the stack (found by the fuzz smoke run of fuzz_llm_answer).
constexpr std::size_t kMaxDepth = 64;

// True when no bracket in `s` (outside strings) is nested deeper than kMaxDepth.
bool shallow(const std::string& s) {
  std::size_t depth = 0;
  StringState str;
  for (char c : s) {
    if (str.quoted(c)) continue;
    if (c == '{' || c == '[') {
      if (++depth > kMaxDepth) return false;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return true;
}

// Usable as the answer's JSON: valid, and not nested beyond kMaxDepth.
bool usable_json(const std::string& s) { return shallow(s) && json::accept(s); }

std::optional<std::string> fenced(const std::string& text) {
  auto start = text.find("```");
  if (start == std::string::npos) return std::nullopt;
  auto line_end = text.find('\n', start);
  if (line_end == std::string::npos) return std::nullopt;
  auto end = text.find("```", line_end);
  if (end == std::string::npos) return std::nullopt;  // unterminated: fall back to scanning
  return trim(text.substr(line_end + 1, end - line_end - 1));
}

std::optional<double> numeric(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    // "4.5" is unambiguous; "high", "4-5", "" are not numbers.
    std::string s = trim(v.get<std::string>());
    double d = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (!s.empty() && ec == std::errc() && p == s.data() + s.size()) return d;
  }
  return std::nullopt;
}

std::string string_field(const json& item, const char* key) {
  auto it = item.find(key);
  if (it == item.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::string shorten(std::string s, std::size_t n = 80) {
  if (s.size() > n) s = s.substr(0, n) + "...";
  return s;
}

}  // namespace

std::string extract_json(const std::string& text) {
  // A fence may also hold prose; then the JSON is looked for in the whole text below.
  if (auto f = fenced(text); f && usable_json(*f)) return *f;
  // Every '{' / '[' starts a scan that may run to the end of the text, and every balanced
  // candidate is parsed: garbage such as 50,000 unclosed or nested brackets would cost
  // quadratic time (seconds to minutes; found by fuzz/fuzz_llm_answer). The answer is
  // untrusted input, so the total work is bounded, linearly in its size; a text that exhausts
  // the budget has no usable JSON (the caller asks again).
  std::size_t budget = (std::size_t{1} << 20) + 8 * text.size();
  for (std::size_t i = 0; i < text.size() && budget > 0; ++i) {
    if (text[i] != '{' && text[i] != '[') continue;
    auto end = balanced_end(text, i, budget);
    if (end == std::string::npos) continue;
    if (end - i > budget) break;
    budget -= end - i;
    std::string candidate = text.substr(i, end - i);
    if (usable_json(candidate)) return candidate;
  }
  return {};
}

ParsedAnswer parse_answer(const std::string& text, const std::string& code, const std::vector<AskedElement>& asked,
                          double min_level, double max_level) {
  ParsedAnswer out;
  auto missing_all = [&] {
    out.missing.clear();
    for (const auto& a : asked) out.missing.push_back(a.id);
  };
  std::string js = extract_json(text);
  if (js.empty()) {
    out.problems.push_back(trim(text).empty() ? "empty answer" : "no JSON in the answer: '" + shorten(trim(text)) + "'");
    missing_all();
    return out;
  }
  json doc = json::parse(js);
  out.json_found = true;

  const json* list = nullptr;
  if (doc.is_array()) {
    list = &doc;
  } else if (doc.is_object()) {
    auto oc = doc.find("occupation_code");
    if (oc != doc.end() && oc->is_string() && trim(oc->get<std::string>()) != code) {
      out.problems.push_back("answer is about occupation '" + shorten(oc->get<std::string>()) + "', asked about '" + code + "'");
      out.json_found = false;
      missing_all();
      return out;
    }
    auto sk = doc.find("skills");
    if (sk != doc.end() && sk->is_array()) list = &*sk;
  }
  if (!list) {
    out.problems.push_back("the JSON has no \"skills\" array");
    missing_all();
    return out;
  }

  std::map<std::string, const AskedElement*> by_id, by_name;
  for (const auto& a : asked) {
    by_id[a.id] = &a;
    by_name[a.name] = &a;
  }
  std::set<std::string> conflicting;
  for (const auto& item : *list) {
    if (!item.is_object()) {
      out.problems.push_back("item is not an object: " + shorten(item.dump()));
      continue;
    }
    const std::string raw = item.dump();
    std::string id = trim(string_field(item, "element_id"));
    const AskedElement* el = nullptr;
    if (auto it = by_id.find(id); it != by_id.end()) {
      el = it->second;
    } else {
      // Exact name as the only fallback ("Programming" where "2.B.3.e" was expected).
      for (const char* key : {"element_name", "name", "skill"}) {
        auto n = by_name.find(trim(string_field(item, key)));
        if (n != by_name.end()) {
          el = n->second;
          break;
        }
      }
      if (!el && !id.empty()) {
        if (auto n = by_name.find(id); n != by_name.end()) el = n->second;  // the name in the id field
      }
    }
    if (!el) {
      out.problems.push_back("element '" + shorten(id.empty() ? raw : id) + "' was not asked");
      continue;
    }
    auto lv = item.find("level");
    std::optional<double> level = lv == item.end() ? std::nullopt : numeric(*lv);
    if (!level || !std::isfinite(*level)) {
      out.problems.push_back(el->id + ": level " +
                             (lv == item.end() ? std::string("missing") : "'" + shorten(lv->dump()) + "' is not a number"));
      continue;
    }
    if (*level < min_level || *level > max_level) {
      char range[64];
      std::snprintf(range, sizeof range, " outside %g..%g", min_level, max_level);
      out.problems.push_back(el->id + ": level " + shorten(lv->dump()) + range);
      continue;
    }
    if (conflicting.count(el->id)) continue;
    if (auto prev = out.items.find(el->id); prev != out.items.end()) {
      if (prev->second.level != *level) {
        // Two different levels for one element: neither can be trusted.
        out.problems.push_back(el->id + ": answered twice with different levels");
        out.items.erase(prev);
        conflicting.insert(el->id);
      }
      continue;
    }
    ParsedItem p;
    p.level = *level;
    p.justification = string_field(item, "justification");
    p.raw = raw;
    out.items.emplace(el->id, std::move(p));
  }
  for (const auto& a : asked) {
    if (!out.items.count(a.id)) out.missing.push_back(a.id);
  }
  if (!out.missing.empty() && out.problems.empty()) {
    out.problems.push_back(std::to_string(out.missing.size()) + " asked element(s) not answered");
  }
  return out;
}

}  // namespace llm
