// libFuzzer target: the LLM answer parser (nodes/llm/answer_parser).
// Input: the model's answer text, parsed against a fixed question (one occupation, four asked
// skills, levels 0..7). Oracle beyond "no crash": every asked id ends up either accepted or
// missing (never both), accepted levels are finite and inside the scale, and extract_json()
// returns either nothing or text that nlohmann::json accepts.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nodes/llm/answer_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<llm::AskedElement> asked = {{"2.A.1.a", "Reading Comprehension"},
                                                       {"2.A.1.b", "Active Listening"},
                                                       {"2.B.3.e", "Programming"},
                                                       {"2.C.1.a", "Administration and Management"}};
  const std::string text(reinterpret_cast<const char*>(data), size);

  const std::string js = llm::extract_json(text);
  if (!js.empty() && !nlohmann::json::accept(js)) std::abort();

  const auto out = llm::parse_answer(text, "15-1251.00", asked, 0.0, 7.0);
  std::set<std::string> missing(out.missing.begin(), out.missing.end());
  for (const auto& [id, item] : out.items) {
    if (missing.count(id)) std::abort();
    if (!std::isfinite(item.level) || item.level < 0.0 || item.level > 7.0) std::abort();
  }
  for (const auto& a : asked) {
    if (!out.items.count(a.id) && !missing.count(a.id)) std::abort();
  }
  if (out.items.size() + missing.size() != asked.size()) std::abort();
  return 0;
}
