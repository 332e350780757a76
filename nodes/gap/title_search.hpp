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
#include <bit>
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

  // Calls `hit(id, entry, tier)` for every entry matching the normalized query `q` at tiers 2,
  // 3, 5, 6, 8 and 9 (see above); `words` are q's words. An entry may be offered at two tiers
  // (exact or prefix, then words); the caller keeps the best. Word matches come in ascending id
  // order (the order of the load's rows).
  template <class Hit>
  void match(const std::string& q, const std::vector<std::string>& words, Hit&& hit) const;

  std::size_t size() const { return entries_.size(); }
  const Entry& entry(std::uint32_t id) const { return entries_[id]; }

 private:
  // Sets the bit of every entry with a word starting with `w` (bits: one per entry). A bit set
  // per posting instead of merging and sorting the postings of every word with that prefix:
  // "mana" reaches thousands of entries through "manager", "management", "manual", ...
  void mark_word_prefix(const std::string& w, std::vector<std::uint64_t>& bits) const;

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
    hit(*it, e, exact ? (rep ? 3 : 2) : (rep ? 6 : 5));
  }
  if (words.empty()) return;
  const std::size_t blocks = (entries_.size() + 63) / 64;
  std::vector<std::uint64_t> all(blocks, 0), one;
  mark_word_prefix(words[0], all);
  for (std::size_t i = 1; i < words.size(); ++i) {
    one.assign(blocks, 0);
    mark_word_prefix(words[i], one);
    for (std::size_t k = 0; k < blocks; ++k) all[k] &= one[k];
  }
  for (std::size_t k = 0; k < blocks; ++k) {
    for (std::uint64_t b = all[k]; b; b &= b - 1) {
      const auto id = static_cast<std::uint32_t>(k * 64 + static_cast<std::size_t>(std::countr_zero(b)));
      const Entry& e = entries_[id];
      hit(id, e, e.field == TitleField::ReportedTitle ? 9 : 8);
    }
  }
}

}  // namespace gap
