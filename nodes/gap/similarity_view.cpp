#include "nodes/gap/similarity_view.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <unordered_map>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "nodes/estimate/profile_text.hpp"
#include "nodes/estimate/text_index.hpp"
#include "nodes/estimate/tokenizer.hpp"
#include "nodes/gap/occupation_texts.hpp"
#include "nodes/gap/skill_gap.hpp"

namespace gap {

namespace {

constexpr std::array<std::optional<ValueSource>, 5> kOptions = {std::nullopt, ValueSource::Onet, ValueSource::Estimate,
                                                                ValueSource::Llm, ValueSource::Refined};

std::size_t option_index(std::optional<ValueSource> s) {
  for (std::size_t i = 0; i < kOptions.size(); ++i)
    if (kOptions[i] == s) return i;
  return 0;
}

// The domain of an element the view compares: skills or knowledge (abilities, when a release
// has them, are not part of transitions); nullopt for any other element.
std::optional<Domain> compared_domain(const Element& e) {
  auto d = domain_of(e);
  if (d && *d != Domain::Skills && *d != Domain::Knowledge) return std::nullopt;
  return d;
}

}  // namespace

SimilarityView::SimilarityView(std::vector<ProfilePtr> profiles, const OccupationTexts* texts) : profiles_(std::move(profiles)) {
  const auto t0 = std::chrono::steady_clock::now();
  std::sort(profiles_.begin(), profiles_.end(), [](const ProfilePtr& a, const ProfilePtr& b) { return a->code < b->code; });

  // Columns: every skill, then every knowledge element any profile has a row for.
  std::vector<std::string> skills, knowledge;
  {
    std::unordered_map<std::string, Domain> seen;
    for (const auto& p : profiles_) {
      for (const auto& r : p->ratings) {
        auto d = compared_domain(*r.element);
        if (!d || seen.count(r.element->id)) continue;
        seen.emplace(r.element->id, *d);
        (*d == Domain::Skills ? skills : knowledge).push_back(r.element->id);
      }
    }
    auto by_order = [](const std::string& a, const std::string& b) { return element_id_less(a, b); };
    std::sort(skills.begin(), skills.end(), by_order);
    std::sort(knowledge.begin(), knowledge.end(), by_order);
  }
  skill_columns_ = skills.size();
  column_ids_ = std::move(skills);
  column_ids_.insert(column_ids_.end(), knowledge.begin(), knowledge.end());
  for (std::size_t i = 0; i < kOptions.size(); ++i) levels_[i] = dense(kOptions[i]);

  // Text: the load's documents, in our order (by code); an occupation the texts do not hold
  // (none after a load; hand-made snapshots) is its title and description.
  estimate::TextProfiles tp;
  estimate::FieldWeights weights;
  if (texts && texts->tables) {
    weights = texts->weights;
    weights_from_run_ = texts->weights_from_run;
    tp = estimate::build_text_profiles({texts->tables}, weights);
  }
  std::vector<estimate::Document> docs;
  docs.reserve(profiles_.size());
  for (const auto& p : profiles_) {
    auto it = tp.index.find(p->code);
    if (it != tp.index.end())
      docs.push_back(std::move(tp.documents[it->second]));
    else
      docs.push_back({p->code, {{p->title, weights.title}, {p->description, weights.description}}});
  }
  estimate::Tokenizer tokenizer;
  text_ = std::make_unique<estimate::TextIndex>(docs, tokenizer);

  build_rating_similarity();
  build_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

SimilarityView::~SimilarityView() = default;

std::optional<std::size_t> SimilarityView::find(std::string_view code) const {
  auto it = std::lower_bound(profiles_.begin(), profiles_.end(), code,
                             [](const ProfilePtr& p, std::string_view c) { return p->code < c; });
  if (it == profiles_.end() || (*it)->code != code) return std::nullopt;
  return static_cast<std::size_t>(it - profiles_.begin());
}

float SimilarityView::text_similarity(std::size_t a, std::size_t b) const { return text_->similarity(a, b); }
const float* SimilarityView::text_row(std::size_t a) const { return text_->row(a); }
std::size_t SimilarityView::text_terms() const { return text_->terms(); }

const DenseLevels& SimilarityView::levels(std::optional<ValueSource> source) const { return levels_[option_index(source)]; }

DenseLevels SimilarityView::dense(std::optional<ValueSource> source) const {
  DenseLevels d;
  const std::size_t n = profiles_.size(), m = column_ids_.size();
  d.columns_ = m;
  d.skills_ = {0, skill_columns_};
  d.knowledge_ = {skill_columns_, m};
  d.level_.assign(n * m, 0);
  d.required_.assign(n * m, 0);
  d.weight_.assign(n * m, 0);
  d.present_.assign(n * m, 0);
  d.has_.assign(n * 2, 0);
  d.side_.assign(n * 2, ValueSource::Onet);
  std::unordered_map<std::string, std::size_t> column;
  for (std::size_t c = 0; c < m; ++c) column.emplace(column_ids_[c], c);

  for (std::size_t i = 0; i < n; ++i) {
    const auto& p = *profiles_[i];
    const ValueSource side[2] = {side_source(p, Domain::Skills, source), side_source(p, Domain::Knowledge, source)};
    for (int k = 0; k < 2; ++k) {
      const Domain dom = k == 0 ? Domain::Skills : Domain::Knowledge;
      d.side_[i * 2 + k] = side[k];
      // The lookup's check: an explicit source must have values; auto accepts any.
      d.has_[i * 2 + k] = (source ? p.has_level_ratings(dom, *source) : has_values(p, dom)) ? 1 : 0;
    }
    for (const auto& r : p.ratings) {
      if (!r.level) continue;
      auto dom = compared_domain(*r.element);
      if (!dom) continue;
      const ValueSource s = side[*dom == Domain::Skills ? 0 : 1];
      auto v = r.level->get(s);
      if (!v) continue;
      const std::size_t at = i * m + column.at(r.element->id);
      const auto lv = static_cast<std::int32_t>(hundredths(*v));
      d.level_[at] = lv;
      d.present_[at] = 1;
      if (r.level->not_relevant == 'Y') continue;
      d.required_[at] = lv;
      auto im = importance_of(r, s);
      d.weight_[at] = im ? static_cast<std::int32_t>(hundredths(*im)) : 500;
    }
  }
  return d;
}

void SimilarityView::build_rating_similarity() {
  const std::size_t n = profiles_.size(), m = column_ids_.size();
  const DenseLevels& a = levels_[0];  // auto
  std::vector<double> mean(m, 0.0), count(m, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t c = 0; c < m; ++c) {
      if (!a.present(i)[c]) continue;
      mean[c] += a.level(i)[c];
      count[c] += 1;
    }
  }
  for (std::size_t c = 0; c < m; ++c) mean[c] = count[c] > 0 ? mean[c] / count[c] : 0.0;
  std::vector<float> x(n * m, 0.0f);  // centred, unit length (all 0 when nothing is known)
  for (std::size_t i = 0; i < n; ++i) {
    double norm2 = 0;
    for (std::size_t c = 0; c < m; ++c) {
      if (!a.present(i)[c]) continue;
      const double v = a.level(i)[c] - mean[c];
      x[i * m + c] = static_cast<float>(v);
      norm2 += v * v;
    }
    const float inv = norm2 > 0 ? static_cast<float>(1.0 / std::sqrt(norm2)) : 0.0f;
    for (std::size_t c = 0; c < m; ++c) x[i * m + c] *= inv;
  }
  rating_.assign(n * n, 0.0f);
  // Each task fills row a from the diagonal on and mirrors it: every cell has one writer.
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 16), [&](const tbb::blocked_range<std::size_t>& rows) {
    for (std::size_t i = rows.begin(); i < rows.end(); ++i) {
      const float* xi = x.data() + i * m;
      for (std::size_t j = i; j < n; ++j) {
        const float* xj = x.data() + j * m;
        float dot = 0;
        for (std::size_t c = 0; c < m; ++c) dot += xi[c] * xj[c];
        const float r = std::clamp(dot, 0.0f, 1.0f);
        rating_[i * n + j] = r;
        rating_[j * n + i] = r;
      }
    }
  });
}

}  // namespace gap
