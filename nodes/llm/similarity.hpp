#pragma once
// Which other rated occupations serve as reference points in an occupation's prompt.
//
// Ranking (documented in README.md): first by how much of the SOC code is shared —
// the detailed occupation (NN-NNNN, e.g. 15-1252.00 and 15-1252.01), then the broad
// occupation (NN-NNN), the minor group (NN-NN), the major group (NN) — then by overlap of the
// title + description words (Jaccard index of the word sets: lowercase alphanumeric words of
// 3+ letters, common English words removed), then by code. The occupation itself is never a
// reference, and only occupations with O*NET ratings are candidates.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace llm {

struct OccupationText {
  std::string code, title, description;
};

struct Reference {
  std::string code;
  int shared_level = 0;  // 4 detailed, 3 broad, 2 minor, 1 major, 0 none
  double overlap = 0;    // Jaccard index of the word sets
  // Set when the reference is one of the occupation's text neighbours (text_estimate's TF-IDF
  // cosine, nodes/estimate): those are preferred to the SOC ranking below whenever the pipeline
  // estimated them.
  std::optional<double> text_similarity;
  const char* why() const;  // "most similar by O*NET's text", "same detailed occupation", ...
};

// SOC levels shared by two O*NET-SOC codes (see above).
int shared_soc_level(const std::string& a, const std::string& b);

// The word set used for the overlap, as sorted ids (exposed for tests).
std::vector<std::string> content_words(const std::string& text);

class ReferenceFinder {
 public:
  // `candidates`: rated occupations (the only ones ever returned).
  explicit ReferenceFinder(const std::vector<OccupationText>& candidates);
  // Up to k references for `occ` (which may or may not be a candidate itself).
  std::vector<Reference> find(const OccupationText& occ, std::size_t k) const;

 private:
  std::vector<std::uint32_t> words_of(const OccupationText& o) const;
  std::vector<OccupationText> candidates_;
  std::vector<std::vector<std::uint32_t>> words_;       // sorted word ids per candidate
  std::unordered_map<std::string, std::uint32_t> ids_;  // word -> id
};

}  // namespace llm
