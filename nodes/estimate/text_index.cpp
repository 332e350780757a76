#include "nodes/estimate/text_index.hpp"

#include <cmath>
#include <unordered_map>

namespace estimate {

TextIndex::TextIndex(const std::vector<Document>& docs, const Tokenizer& tokenizer)
    : n_(docs.size()), doc_terms_(docs.size(), 0), sim_(docs.size() * docs.size(), 0.0f) {
  // Term ids, and each document's (term, weighted frequency) list.
  std::unordered_map<std::string, std::uint32_t> ids;
  std::vector<std::vector<std::pair<std::uint32_t, double>>> tf(n_);
  for (std::size_t d = 0; d < n_; ++d) {
    std::unordered_map<std::uint32_t, double> freq;
    for (const auto& f : docs[d].fields) {
      if (f.weight <= 0) continue;
      for (auto& t : tokenizer.terms(f.text)) {
        // Looked up first: emplace would allocate a node for every occurrence (376 k) to
        // throw it away for all but the vocabulary's first ones (< 19 k).
        auto it = ids.find(t);
        if (it == ids.end()) it = ids.emplace(std::move(t), static_cast<std::uint32_t>(ids.size())).first;
        freq[it->second] += f.weight;
      }
    }
    tf[d].assign(freq.begin(), freq.end());
    doc_terms_[d] = static_cast<std::uint32_t>(freq.size());
  }
  vocabulary_ = ids.size();

  df_.assign(vocabulary_, 0);
  for (const auto& doc : tf)
    for (const auto& [t, _] : doc) ++df_[t];
  tf_ = std::move(tf);
  sim_ = cosine(1.0);
}

std::vector<float> TextIndex::cosine(double idf_power) const {
  std::vector<float> sim(n_ * n_, 0.0f);
  // Weighted, normalized vectors, stored as posting lists: term -> (document, weight).
  std::vector<std::vector<std::pair<std::uint32_t, float>>> postings(vocabulary_);
  const double n = static_cast<double>(n_);
  for (std::size_t d = 0; d < n_; ++d) {
    double norm2 = 0;
    std::vector<std::pair<std::uint32_t, double>> w;
    w.reserve(tf_[d].size());
    for (const auto& [t, f] : tf_[d]) {
      const double idf = std::log(n / df_[t]);
      const double x = std::log1p(f) * (idf_power == 1.0 ? idf : std::pow(idf, idf_power));
      if (x <= 0) continue;
      w.emplace_back(t, x);
      norm2 += x * x;
    }
    if (norm2 <= 0) continue;
    const double inv = 1.0 / std::sqrt(norm2);
    for (const auto& [t, x] : w) postings[t].emplace_back(static_cast<std::uint32_t>(d), static_cast<float>(x * inv));
  }

  // Dot products: every posting list adds its pairwise products (both halves of the matrix).
  for (const auto& list : postings) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      float* r = sim.data() + static_cast<std::size_t>(list[i].first) * n_;
      const float wi = list[i].second;
      for (const auto& [d, wj] : list) r[d] += wi * wj;
    }
  }
  for (auto& s : sim) s = std::min(1.0f, s);  // rounding can push a self-similarity above 1
  return sim;
}

}  // namespace estimate
