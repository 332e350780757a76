#include "nodes/llm/similarity.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <unordered_map>

namespace llm {

namespace {

// Words that say nothing about what an occupation does (O*NET descriptions use them a lot).
const std::set<std::string>& stopwords() {
  static const std::set<std::string> s = {
      "the",     "and",        "for",    "with",    "that",       "this",    "from",        "such",      "other",
      "may",     "including",  "are",    "not",     "all",        "any",     "into",        "their",     "them",
      "they",    "also",       "who",    "which",   "using",      "used",    "use",         "work",      "workers",
      "perform", "performing", "duties", "related", "activities", "various", "specific",    "those",     "than",
      "been",    "has",        "have",   "its",     "our",        "out",     "over",        "under",     "within",
      "without", "per",        "via",    "both",    "each",       "one",     "two",         "more",      "most",
      "only",    "can",        "will",   "but",     "includes",   "include", "occupations", "occupation"};
  return s;
}

double jaccard(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
  if (a.empty() && b.empty()) return 0;
  std::size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      ++common;
      ++i;
      ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

}  // namespace

const char* Reference::why() const {
  if (text_similarity) return "most similar by O*NET's text";
  switch (shared_level) {
    case 4:
      return "same detailed occupation";
    case 3:
      return "same broad occupation";
    case 2:
      return "same minor group";
    case 1:
      return "same major group";
    default:
      return "similar description";
  }
}

int shared_soc_level(const std::string& a, const std::string& b) {
  auto same = [&](std::size_t n) { return a.size() >= n && b.size() >= n && a.compare(0, n, b, 0, n) == 0; };
  if (same(7)) return 4;  // "15-1252"
  if (same(6)) return 3;  // "15-125"
  if (same(5)) return 2;  // "15-12"
  if (same(2)) return 1;  // "15"
  return 0;
}

std::vector<std::string> content_words(const std::string& text) {
  std::set<std::string> out;
  std::string w;
  auto flush = [&] {
    if (w.size() >= 3 && !stopwords().count(w)) out.insert(w);
    w.clear();
  };
  for (unsigned char c : text) {
    if (std::isalnum(c))
      w.push_back(static_cast<char>(std::tolower(c)));
    else
      flush();
  }
  flush();
  return {out.begin(), out.end()};
}

ReferenceFinder::ReferenceFinder(const std::vector<OccupationText>& candidates) : candidates_(candidates) {
  std::sort(candidates_.begin(), candidates_.end(),
            [](const OccupationText& a, const OccupationText& b) { return a.code < b.code; });
  for (const auto& c : candidates_) {
    std::vector<std::uint32_t> v;
    for (const auto& w : content_words(c.title + " " + c.description)) {
      auto [it, added] = ids_.emplace(w, static_cast<std::uint32_t>(ids_.size()));
      v.push_back(it->second);
    }
    std::sort(v.begin(), v.end());
    words_.push_back(std::move(v));
  }
}

std::vector<std::uint32_t> ReferenceFinder::words_of(const OccupationText& o) const {
  // Words unknown to every candidate cannot overlap; they only count in the union, so map each
  // to a distinct id past the vocabulary.
  std::vector<std::uint32_t> v;
  auto next = static_cast<std::uint32_t>(ids_.size());
  for (const auto& w : content_words(o.title + " " + o.description)) {
    auto it = ids_.find(w);
    v.push_back(it == ids_.end() ? next++ : it->second);
  }
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<Reference> ReferenceFinder::find(const OccupationText& occ, std::size_t k) const {
  const auto mine = words_of(occ);
  std::vector<Reference> all;
  all.reserve(candidates_.size());
  for (std::size_t i = 0; i < candidates_.size(); ++i) {
    if (candidates_[i].code == occ.code) continue;
    Reference r;
    r.code = candidates_[i].code;
    r.shared_level = shared_soc_level(occ.code, r.code);
    r.overlap = jaccard(mine, words_[i]);
    all.push_back(std::move(r));
  }
  const std::size_t n = std::min(k, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(),
                    [](const Reference& a, const Reference& b) {
                      if (a.shared_level != b.shared_level) return a.shared_level > b.shared_level;
                      if (a.overlap != b.overlap) return a.overlap > b.overlap;
                      return a.code < b.code;
                    });
  all.resize(n);
  return all;
}

}  // namespace llm
