#pragma once
// A read-only map from occupation code to T, built once. A /skill-gap answer looks up two codes
// in the snapshot and two in its explanations; in hash maps of ~1,000 nodes each lookup hashed
// the string and then missed the cache on a node of its own (a tenth of the answer's cost,
// issue 10 §8). Here codes of O*NET's shape are packed into numbers (pack_occupation_code) and
// binary-searched in one sorted array of 4 KB that every request keeps warm; any other code (a
// test's "a", a future shape) in a sorted array of strings beside it.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nodes/gap/occupation_code.hpp"

namespace gap {

template <class T>
class CodeMap {
 public:
  CodeMap() = default;
  // Of several entries with one code, the last one given is kept.
  explicit CodeMap(std::vector<std::pair<std::string, T>> entries) {
    std::vector<std::pair<std::uint32_t, std::size_t>> packed;
    std::vector<std::size_t> other;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (auto key = pack_occupation_code(entries[i].first))
        packed.emplace_back(*key, i);
      else
        other.push_back(i);
    }
    // Stable: among equal codes the last entry ends up last, and is the one kept.
    std::stable_sort(packed.begin(), packed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::stable_sort(other.begin(), other.end(),
                     [&](std::size_t a, std::size_t b) { return entries[a].first < entries[b].first; });
    for (std::size_t k = 0; k < packed.size(); ++k) {
      if (k + 1 < packed.size() && packed[k + 1].first == packed[k].first) continue;
      keys_.push_back(packed[k].first);
      values_.push_back(std::move(entries[packed[k].second]));
    }
    for (std::size_t k = 0; k < other.size(); ++k) {
      if (k + 1 < other.size() && entries[other[k + 1]].first == entries[other[k]].first) continue;
      others_.push_back(std::move(entries[other[k]]));
    }
  }

  const T* find(std::string_view code) const {
    if (auto key = pack_occupation_code(code)) {
      auto it = std::lower_bound(keys_.begin(), keys_.end(), *key);
      return it == keys_.end() || *it != *key ? nullptr : &values_[static_cast<std::size_t>(it - keys_.begin())].second;
    }
    auto it = std::lower_bound(others_.begin(), others_.end(), code,
                               [](const std::pair<std::string, T>& e, std::string_view c) { return e.first < c; });
    return it == others_.end() || it->first != code ? nullptr : &it->second;
  }
  std::size_t size() const { return values_.size() + others_.size(); }
  // Every entry as (code, value): O*NET-shaped codes in code order, then the others in theirs.
  template <class F>
  void for_each(F&& f) const {
    for (const auto& [code, value] : values_) f(code, value);
    for (const auto& [code, value] : others_) f(code, value);
  }

 private:
  std::vector<std::uint32_t> keys_;                // packed codes, ascending
  std::vector<std::pair<std::string, T>> values_;  // entry for entry with keys_
  std::vector<std::pair<std::string, T>> others_;  // codes of another shape, by code
};

}  // namespace gap
