#pragma once
// A TF-IDF index over one text profile per occupation, and the cosine similarity of every pair.
//
// A document is a list of fields, each with a weight (title 3, a core task 1, ...). A term's
// frequency in a document is the sum of the weights of the fields it occurs in (once per
// occurrence); its weight is log(1 + frequency) * log(N / document frequency), so a term in
// every document counts for nothing and a word repeated in many tasks does not drown the rest.
// Each document vector is L2-normalized; the similarity of two documents is their dot product
// (0 = no shared term, 1 = the same term distribution).
//
// Built once per load run: with ~1,000 occupations the full matrix is ~4 MB of floats and takes
// well under a second (one pass over each term's posting list).
#include <cstdint>
#include <string>
#include <vector>
#include <utility>

#include "nodes/estimate/tokenizer.hpp"

namespace estimate {

struct TextField {
  std::string text;
  double weight = 1;
};

struct Document {
  std::string code;  // O*NET-SOC code, for messages and tie-breaks
  std::vector<TextField> fields;
};

class TextIndex {
 public:
  TextIndex(const std::vector<Document>& docs, const Tokenizer& tokenizer);

  std::size_t size() const { return n_; }
  std::size_t terms() const { return vocabulary_; }
  // Cosine similarity of documents a and b, in [0, 1]; 1 on the diagonal for a non-empty one.
  float similarity(std::size_t a, std::size_t b) const { return sim_[a * n_ + b]; }
  const float* row(std::size_t a) const { return sim_.data() + a * n_; }
  const std::vector<float>& matrix() const { return sim_; }  // n x n, row-major
  // Number of distinct terms of document a (0: nothing to compare it by).
  std::size_t document_terms(std::size_t a) const { return doc_terms_[a]; }
  // The cosine of every pair (n x n, row-major) with the IDF raised to `idf_power`: 1 gives
  // similarity(); below 1 flattens the IDF, so that common words count for more (the
  // kernel-ridge estimator's LSA kernel uses 0.7).
  std::vector<float> cosine(double idf_power) const;

 private:
  std::size_t n_ = 0;
  std::size_t vocabulary_ = 0;
  std::vector<std::uint32_t> doc_terms_;
  std::vector<std::vector<std::pair<std::uint32_t, double>>> tf_;  // per document: (term, weighted frequency)
  std::vector<std::uint32_t> df_;                                  // per term: documents holding it
  std::vector<float> sim_;                                         // n x n, row-major
};

}  // namespace estimate
