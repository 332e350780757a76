#pragma once
// What the transitions ranking (transitions.hpp) reads, computed once per snapshot — at API
// start-up and at every reload (Snapshot builds it) — so that a request ranks every occupation
// without touching the database, in well under a millisecond:
//
//   text similarity    T(a, b): nodes/estimate's TF-IDF index (text_index.hpp) rebuilt from the
//                      loaded texts with the load run's field weights (occupation_texts.hpp):
//                      the similarity the text estimates' neighbours were chosen by. Rebuilt
//                      rather than stored by the load: 1,016^2 pairs are 4 MB of floats in memory
//                      but a million rows in a table, and the index takes ~0.3 s to build.
//   rating similarity  R(a, b) = max(0, cos(x_a, x_b)); x = the occupation's LV profile over
//                      every skill and knowledge element, each side read under `auto` (O*NET's
//                      value where O*NET rates it, else the refined blend, else the text
//                      estimate), centred on each element's mean over the occupations that have
//                      a value (a missing value counts as the mean). Centring makes R say "needs
//                      more or less of the same things than the average occupation", not
//                      merely "has levels": raw LV profiles all point the same way (cos > 0.8).
//   dense levels       per value-source option (auto, onet, estimate, llm, refined) and per
//                      occupation x element: compute_gap's rules (skill_gap.hpp) laid out as
//                      integer rows, so one request's gap against every target is a few
//                      vectorizable loops (DenseLevels).
// T and R are symmetric; the ranking is not (the gap is). Memory for O*NET 29.2's 1,016
// occupations: 2 x 4 MB of floats plus ~1.4 MB of levels.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nodes/gap/profile.hpp"

namespace estimate {
class TextIndex;
}

namespace gap {

struct OccupationTexts;

// Columns [begin, end) of one domain in a DenseLevels row.
struct ColumnRange {
  std::size_t begin = 0, end = 0;
  std::size_t size() const { return end - begin; }
};

// compute_gap's view of every occupation under one value-source option, as integer rows over the
// skill elements then the knowledge elements (each in O*NET order). For target t and source s
// the gap of column c is max(0, required(t)[c] - level(s)[c]); it is a gap when > 0, weighed by
// weight(t)[c] — exactly the gaps compute_gap(s, t, {source, domain}) returns.
class DenseLevels {
 public:
  std::size_t columns() const { return columns_; }
  ColumnRange range(Domain d) const { return d == Domain::Skills ? skills_ : knowledge_; }
  // The source side: the LV in hundredths under the side's source, 0 when it has none.
  const std::int32_t* level(std::size_t occ) const { return level_.data() + occ * columns_; }
  // Whether level() holds a value (for the rating similarity).
  const std::uint8_t* present(std::size_t occ) const { return present_.data() + occ * columns_; }
  // The target side: the LV in hundredths where the element is required (a value under the
  // side's source and Not Relevant != 'Y'), else 0.
  const std::int32_t* required(std::size_t occ) const { return required_.data() + occ * columns_; }
  // The target's importance in hundredths of IM (importance_of; 500 = IM 5 when it has none)
  // where required, else 0. A gap's weight is IM / 5.
  const std::int32_t* weight(std::size_t occ) const { return weight_.data() + occ * columns_; }
  // Whether the occupation has level values of the domain under this option: what the
  // profile lookup's no_ratings check asks (any source under auto).
  bool has_values(std::size_t occ, Domain d) const { return has_[occ * 2 + (d == Domain::Skills ? 0 : 1)] != 0; }
  // The source each side reads the domain from under this option (side_source).
  ValueSource side_source(std::size_t occ, Domain d) const { return side_[occ * 2 + (d == Domain::Skills ? 0 : 1)]; }

 private:
  friend class SimilarityView;
  std::size_t columns_ = 0;
  ColumnRange skills_, knowledge_;
  std::vector<std::int32_t> level_, required_, weight_;
  std::vector<std::uint8_t> present_, has_;
  std::vector<ValueSource> side_;
};

class SimilarityView {
 public:
  // `profiles` in any order (kept sorted by code); `texts` nullptr: each occupation's text is its
  // title and description only (hand-made snapshots), with nodes/estimate's default weights.
  SimilarityView(std::vector<ProfilePtr> profiles, const OccupationTexts* texts);
  ~SimilarityView();
  SimilarityView(const SimilarityView&) = delete;
  SimilarityView& operator=(const SimilarityView&) = delete;

  std::size_t size() const { return profiles_.size(); }
  const ProfilePtr& profile(std::size_t i) const { return profiles_[i]; }  // by code
  std::optional<std::size_t> find(std::string_view code) const;
  // The element ids of the dense columns (skills, then knowledge).
  const std::vector<std::string>& column_ids() const { return column_ids_; }

  float text_similarity(std::size_t a, std::size_t b) const;
  const float* text_row(std::size_t a) const;
  float rating_similarity(std::size_t a, std::size_t b) const { return rating_[a * size() + b]; }
  const float* rating_row(std::size_t a) const { return rating_.data() + a * size(); }

  // nullopt = auto.
  const DenseLevels& levels(std::optional<ValueSource> source) const;

  // Where the text came from: the load run's weights (true) or nodes/estimate's defaults.
  bool weights_from_run() const { return weights_from_run_; }
  std::size_t text_terms() const;
  double build_seconds() const { return build_seconds_; }

 private:
  DenseLevels dense(std::optional<ValueSource> source) const;
  void build_rating_similarity();

  std::vector<ProfilePtr> profiles_;
  std::vector<std::string> column_ids_;
  std::size_t skill_columns_ = 0;
  std::array<DenseLevels, 5> levels_;  // auto, onet, estimate, llm, refined
  std::unique_ptr<estimate::TextIndex> text_;
  std::vector<float> rating_;
  bool weights_from_run_ = false;
  double build_seconds_ = 0;
};

}  // namespace gap
