#pragma once
// Occupation search by the titles people use: O*NET's titles, Alternate Titles (with their short
// titles: "RN", "SOC Analyst") and Sample of Reported Titles, answered from the snapshot.
//
// A query and every title are normalized the same way: ASCII lower case, every run of
// characters other than letters and digits one space ("Bridge-to-Nowhere" -> "bridge to
// nowhere"). Each occupation is returned once, at the best tier any of its titles reaches:
//
//   0 title exact            1 title prefix             2 alternate or short title exact
//   3 reported title exact   4 a word of the title starts with q, or the code does
//   5 alternate prefix       6 reported prefix
//   7 every query word starts a word of the title      8 ... of an alternate title
//   9 ... of a reported title                          10 the title contains q inside a word
//
// Within a tier: alternate titles named by more O*NET sources first (a common name before a
// rare one), reported titles shown in My Next Move first, then by occupation title, then code.
// An empty query lists every occupation by title. A query that normalizes to nothing ("%_%")
// matches only by substring and code, as before.
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace onet {
class TableBatch;
}

namespace gap {

std::string normalize_title(std::string_view s);

enum class TitleField { Title, Code, AlternateTitle, ShortTitle, ReportedTitle };
std::string_view to_string(TitleField f);  // "title" | "code" | "alternate_title" | "short_title" | "reported_title"

// Alternate, short and reported titles of every occupation, indexed for exact, prefix and word
// lookups (the titles themselves are few and scanned by the snapshot).
class TitleIndex {
 public:
  struct Entry {
    std::string code;
    std::string text;  // as O*NET writes it
    std::string normalized;
    TitleField field;
    int weight = 0;  // sources naming an alternate title; 1 when a reported title is shown in My Next Move
  };
  // From the load's alternate_titles and reported_titles rows (nullptr: an empty index).
  explicit TitleIndex(const onet::TableBatch* tables);

  // Calls `hit(entry, tier)` for every entry matching the normalized query `q` at tiers 2, 3,
  // 5, 6, 8 and 9 (see above); `words` are q's words. An entry may be offered at two tiers
  // (exact or prefix, then words); the caller keeps the best.
  template <class Hit>
  void match(const std::string& q, const std::vector<std::string>& words, Hit&& hit) const;

  std::size_t size() const { return entries_.size(); }

 private:
  std::vector<std::uint32_t> with_word_prefix(const std::string& w) const;  // sorted entry ids

  std::vector<Entry> entries_;
  std::vector<std::uint32_t> by_text_;                // entry ids sorted by normalized text
  std::vector<std::string> vocabulary_;               // sorted distinct words
  std::vector<std::vector<std::uint32_t>> postings_;  // per vocabulary word: sorted entry ids
};

// Every query word is a prefix of some word of `normalized`.
bool words_prefix_all(const std::vector<std::string>& words, std::string_view normalized);
std::vector<std::string> split_words(std::string_view normalized);

template <class Hit>
void TitleIndex::match(const std::string& q, const std::vector<std::string>& words, Hit&& hit) const {
  if (q.empty()) return;
  // The entries whose normalized text starts with q form one run of by_text_, the exact ones
  // (text == q) first among them.
  auto first = std::lower_bound(by_text_.begin(), by_text_.end(), q,
                                [&](std::uint32_t id, const std::string& v) { return entries_[id].normalized < v; });
  for (auto it = first; it != by_text_.end() && entries_[*it].normalized.starts_with(q); ++it) {
    const Entry& e = entries_[*it];
    const bool exact = e.normalized.size() == q.size();
    const bool rep = e.field == TitleField::ReportedTitle;
    hit(e, exact ? (rep ? 3 : 2) : (rep ? 6 : 5));
  }
  if (words.empty()) return;
  std::vector<std::uint32_t> ids = with_word_prefix(words[0]);
  for (std::size_t i = 1; i < words.size() && !ids.empty(); ++i) {
    auto next = with_word_prefix(words[i]);
    std::vector<std::uint32_t> both;
    std::set_intersection(ids.begin(), ids.end(), next.begin(), next.end(), std::back_inserter(both));
    ids = std::move(both);
  }
  for (auto id : ids) {
    const Entry& e = entries_[id];
    hit(e, e.field == TitleField::ReportedTitle ? 9 : 8);
  }
}

}  // namespace gap
