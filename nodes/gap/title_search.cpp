#include "nodes/gap/title_search.hpp"

#include <unordered_map>

#include "nodes/onet/batches.hpp"

namespace gap {

std::string normalize_title(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (unsigned char c : s) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return out;
}

std::vector<std::string> split_words(std::string_view normalized) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < normalized.size()) {
    auto end = normalized.find(' ', at);
    if (end == std::string_view::npos) end = normalized.size();
    out.emplace_back(normalized.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

bool words_prefix_all(const std::vector<std::string>& words, std::string_view normalized) {
  for (const auto& w : words) {
    if (normalized.find(w) == std::string_view::npos) return false;  // most titles: one memchr-fast search
    bool found = false;
    for (std::size_t at = 0; at < normalized.size() && !found;) {
      auto end = normalized.find(' ', at);
      if (end == std::string_view::npos) end = normalized.size();
      found = normalized.substr(at, end - at).starts_with(w);
      at = end + 1;
    }
    if (!found) return false;
  }
  return true;
}

std::string_view to_string(TitleField f) {
  switch (f) {
    case TitleField::Title:
      return "title";
    case TitleField::Code:
      return "code";
    case TitleField::AlternateTitle:
      return "alternate_title";
    case TitleField::ShortTitle:
      return "short_title";
    case TitleField::ReportedTitle:
      return "reported_title";
  }
  return "title";
}

namespace {

int source_count(const std::string& sources) {  // "02,04,10" -> 3
  if (sources.empty()) return 0;
  return 1 + static_cast<int>(std::count(sources.begin(), sources.end(), ','));
}

}  // namespace

TitleIndex::TitleIndex(const onet::TableBatch* tables) {
  if (tables) {
    auto add = [&](const std::string& code, const std::string& text, TitleField field, int weight) {
      std::string n = normalize_title(text);
      if (n.empty()) return;
      entries_.push_back({code, text, std::move(n), field, weight});
    };
    for (const auto& a : tables->alternate_titles) {
      add(a.code, a.title, TitleField::AlternateTitle, source_count(a.sources));
      if (a.short_title) add(a.code, *a.short_title, TitleField::ShortTitle, source_count(a.sources));
    }
    for (const auto& r : tables->reported_titles)
      add(r.code, r.title, TitleField::ReportedTitle, r.shown_in_my_next_move ? 1 : 0);
  }
  by_text_.resize(entries_.size());
  std::unordered_map<std::string, std::vector<std::uint32_t>> words;
  for (std::uint32_t i = 0; i < entries_.size(); ++i) {
    by_text_[i] = i;
    for (auto& w : split_words(entries_[i].normalized)) {
      auto& list = words[w];
      if (list.empty() || list.back() != i) list.push_back(i);  // ids ascend: sorted, unique
    }
  }
  std::sort(by_text_.begin(), by_text_.end(),
            [&](std::uint32_t a, std::uint32_t b) { return entries_[a].normalized < entries_[b].normalized; });
  vocabulary_.reserve(words.size());
  for (const auto& [w, _] : words) vocabulary_.push_back(w);
  std::sort(vocabulary_.begin(), vocabulary_.end());
  postings_.reserve(vocabulary_.size());
  for (const auto& w : vocabulary_) postings_.push_back(std::move(words[w]));
}

void TitleIndex::mark_word_prefix(const std::string& w, std::vector<std::uint64_t>& bits) const {
  for (auto it = std::lower_bound(vocabulary_.begin(), vocabulary_.end(), w); it != vocabulary_.end() && it->starts_with(w);
       ++it) {
    for (auto id : postings_[static_cast<std::size_t>(it - vocabulary_.begin())]) bits[id / 64] |= std::uint64_t{1} << (id % 64);
  }
}

}  // namespace gap
