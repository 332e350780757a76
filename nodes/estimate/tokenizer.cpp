#include "nodes/estimate/tokenizer.hpp"

#include <libstemmer.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace estimate {

namespace {

// Sorted, for binary search. Function words, and words that occur in nearly every O*NET
// description or task and so only add noise to a similarity ("occupation", "duties").
constexpr std::array<std::string_view, 78> kStopwords = {
    "a",       "about",    "according",  "activities",  "all",   "also",    "an",         "and",     "any",  "are",
    "as",      "at",       "be",         "been",        "being", "both",    "but",        "by",      "can",  "do",
    "duties",  "each",     "etc",        "for",         "from",  "has",     "have",       "how",     "if",   "in",
    "include", "includes", "including",  "into",        "is",    "it",      "its",        "may",     "more", "most",
    "must",    "not",      "occupation", "occupations", "of",    "on",      "one",        "only",    "or",   "other",
    "others",  "our",      "out",        "over",        "per",   "perform", "performing", "such",    "than", "that",
    "the",     "their",    "them",       "these",       "they",  "this",    "those",      "through", "to",   "under",
    "upon",    "various",  "via",        "was",         "were",  "which",   "who",        "will",
};

}  // namespace

void Tokenizer::StemmerDeleter::operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }

Tokenizer::Tokenizer() : stemmer_(sb_stemmer_new("english", "UTF_8")) {
  if (!stemmer_) throw std::runtime_error("libstemmer: the Snowball 'english' stemmer is not available");
}

Tokenizer::~Tokenizer() = default;

bool Tokenizer::is_stopword(std::string_view word) { return std::binary_search(kStopwords.begin(), kStopwords.end(), word); }

std::string Tokenizer::stem(std::string_view word) const {
  const sb_symbol* out =
      sb_stemmer_stem(stemmer_.get(), reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
  if (!out) throw std::bad_alloc();  // the only failure sb_stemmer_stem reports
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(sb_stemmer_length(stemmer_.get())));
}

std::vector<std::string> Tokenizer::terms(std::string_view text) const {
  std::vector<std::string> out;
  std::string word;
  auto flush = [&] {
    if (word.size() >= 2 && !std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        !is_stopword(word)) {
      auto it = stems_.find(word);
      if (it == stems_.end()) it = stems_.emplace(word, stem(word)).first;
      out.push_back(it->second);
    }
    word.clear();
  };
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') {
      word.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      word.push_back(c);
    } else {
      flush();
    }
  }
  flush();
  return out;
}

}  // namespace estimate
