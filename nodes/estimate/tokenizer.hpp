#pragma once
// Turns O*NET text (titles, descriptions, task statements) into index terms:
//   1. ASCII letters are lower-cased; every other byte that is not a letter or a digit
//      separates words ("C++" -> "c", "Registered Nurse (RN)" -> "registered", "nurse", "rn");
//   2. words of one character, pure numbers and English stop words are dropped (the list is
//      short: function words plus words every O*NET description uses, e.g. "occupation");
//   3. each remaining word is reduced to its Snowball English (Porter2) stem, so that
//      "nurse"/"nursing" and "developer"/"developers" become one term.
// Snowball comes from Debian's libstemmer (the reference C implementation); its stemmer
// object keeps state between calls, so a Tokenizer is used by one thread at a time.
// terms() remembers each word's stem: indexing O*NET 29.2 (a snapshot's transitions view, the
// text-estimate node) stems ~376 k words of fewer than 19 k distinct ones, and the stemmer was
// two thirds of the indexing's instructions (2.4 k a call). A Tokenizer lives for one such
// build, so the memo is bounded by that text's vocabulary.
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sb_stemmer;

namespace estimate {

class Tokenizer {
 public:
  Tokenizer();  // throws std::runtime_error when the Snowball English stemmer is unavailable
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  // The terms of `text`, in order, duplicates kept.
  std::vector<std::string> terms(std::string_view text) const;
  // The stem of one lower-case word (no stop-word check).
  std::string stem(std::string_view word) const;
  static bool is_stopword(std::string_view word);

 private:
  struct StemmerDeleter {
    void operator()(sb_stemmer* s) const;
  };
  std::unique_ptr<sb_stemmer, StemmerDeleter> stemmer_;
  mutable std::unordered_map<std::string, std::string> stems_;  // word -> stem(word), filled by terms()
};

}  // namespace estimate
