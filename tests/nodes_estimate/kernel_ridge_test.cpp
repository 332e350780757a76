// The kernel-ridge estimator (nodes/estimate/kernel_ridge.hpp) on hand-made data: the rated
// documents' estimates are exact leave-one-out (equal to refitting without the document), an
// unrated document follows the rated documents its text resembles, the rating-space share
// never looks at a document's own values, and bad inputs are refused.
#include <catch2/catch.hpp>

#include <cmath>

#include "nodes/estimate/kernel_ridge.hpp"
#include "nodes/estimate/text_index.hpp"
#include "nodes/estimate/tokenizer.hpp"

using namespace estimate;
using Catch::Detail::Approx;

namespace {

struct Fixture {
  std::vector<Document> documents;
  RatingMatrix ratings;
};

// Eight documents in two text families ("gardens" and "ledgers"), two columns (LV 0..7, IM
// 1..5); the last two are unrated.
Fixture fixture() {
  Fixture f;
  const std::vector<std::pair<const char*, const char*>> texts = {
      {"37-3011.00", "garden lawn mow plant soil"},     {"37-3012.00", "garden plant soil water prune"},
      {"37-3013.00", "lawn garden trim hedge soil"},    {"43-3031.00", "ledger account invoice audit tax"},
      {"43-3011.00", "invoice account payment ledger"}, {"13-2011.00", "audit tax account ledger report"},
      {"37-3019.00", "garden soil plant hedge lawn"},   {"43-3099.00", "account ledger invoice tax audit"}};
  for (const auto& [code, text] : texts) f.documents.push_back({code, {{text, 1.0}}});
  f.ratings.columns = {{"2.A.1.a", "LV", "skills", 0, 7}, {"2.A.1.a", "IM", "skills", 1, 5}};
  const double nan = std::nan("");
  f.ratings.values = {1.0, 1.5, 1.4, 1.8, 1.2, 1.6, 4.5, 3.9, 4.1, 3.6, 4.8, 4.2, nan, nan, nan, nan};
  return f;
}

KernelInputs inputs(const Fixture& f, const TextIndex& idx, double lsa_idf_power) {
  KernelInputs in;
  for (const auto& d : f.documents) in.codes.push_back(d.code);
  in.cosine = idx.matrix();
  in.lsa_cosine = idx.cosine(lsa_idf_power);
  in.zones = {2, 2, 2, 4, 3, 4, 2, 4};
  return in;
}

KernelRidgeOptions small() {
  KernelRidgeOptions o;
  o.lsa_dims = 3;
  o.lsa_coarse_dims = 2;
  o.constant = 1;
  o.lambda = 0.5;
  return o;
}

}  // namespace

TEST_CASE("kernel ridge: a rated document's estimate is the fit without it (exact leave-one-out)", "[estimate][kernel_ridge]") {
  const auto f = fixture();
  Tokenizer t;
  TextIndex idx(f.documents, t);
  auto o = small();
  o.rating_space_share = 0;  // the ridge alone: its leave-one-out formula is what is tested
  const auto in = inputs(f, idx, o.lsa_idf_power);
  const auto all = kernel_ridge_estimates(in, f.ratings, o);
  const std::size_t m = f.ratings.columns.size();
  for (std::size_t held = 0; held < 6; ++held) {
    INFO("held out: " << f.documents[held].code);
    auto without = f.ratings;  // the same problem with `held` unrated: its estimate is then the fit on the others
    for (std::size_t c = 0; c < m; ++c) without.values[held * m + c] = std::nan("");
    const auto refit = kernel_ridge_estimates(in, without, o);
    for (std::size_t c = 0; c < m; ++c) CHECK(all[held * m + c] == Approx(refit[held * m + c]).margin(1e-9));
    // and its own value did change the fit for the others
    CHECK(std::abs(all[(held == 0 ? 1 : 0) * m] - refit[(held == 0 ? 1 : 0) * m]) > 1e-6);
  }
}

TEST_CASE("kernel ridge: an unrated document follows the rated ones its text resembles", "[estimate][kernel_ridge]") {
  const auto f = fixture();
  Tokenizer t;
  TextIndex idx(f.documents, t);
  for (double share : {0.0, 0.3, 1.0}) {
    INFO("rating_space_share " << share);
    auto o = small();
    o.rating_space_share = share;
    const auto e = kernel_ridge_estimates(inputs(f, idx, o.lsa_idf_power), f.ratings, o);
    const std::size_t m = 2;
    // 37-3019.00 reads like the gardens (LV 1.0-1.4), 43-3099.00 like the ledgers (4.1-4.8).
    CHECK(e[6 * m] < 2.5);
    CHECK(e[7 * m] > 3.5);
    for (std::size_t d = 0; d < 8; ++d) {
      CHECK(e[d * m] >= 0);
      CHECK(e[d * m] <= 7);
      CHECK(e[d * m + 1] >= 1);
      CHECK(e[d * m + 1] <= 5);
    }
  }
}

TEST_CASE("kernel ridge: the rating-space neighbours never include the document itself", "[estimate][kernel_ridge]") {
  auto f = fixture();
  f.ratings.values[0] = 7.0;  // 37-3011.00 far from everyone in rating space
  Tokenizer t;
  TextIndex idx(f.documents, t);
  auto o = small();
  o.rating_space_share = 1;  // the rating-space mean alone
  o.rating_space_k = 1;
  const auto e = kernel_ridge_estimates(inputs(f, idx, o.lsa_idf_power), f.ratings, o);
  // Its estimate is another document's value, never its own 7.0 (the nearest to its own value).
  bool other = false;
  for (std::size_t d = 1; d < 6; ++d) other = other || e[0] == Approx(f.ratings.values[d * 2]);
  CHECK(other);
  CHECK(e[0] != Approx(7.0));
}

TEST_CASE("kernel ridge: a column no rated document has stays empty; bad inputs are refused", "[estimate][kernel_ridge]") {
  auto f = fixture();
  f.ratings.columns.push_back({"2.A.1.b", "LV", "skills", 0, 7});
  std::vector<double> three;
  for (std::size_t d = 0; d < 8; ++d) {
    three.push_back(f.ratings.values[d * 2]);
    three.push_back(f.ratings.values[d * 2 + 1]);
    three.push_back(std::nan(""));
  }
  f.ratings.values = three;
  Tokenizer t;
  TextIndex idx(f.documents, t);
  auto o = small();
  auto in = inputs(f, idx, o.lsa_idf_power);
  const auto e = kernel_ridge_estimates(in, f.ratings, o);
  for (std::size_t d = 0; d < 8; ++d) {
    CHECK(std::isnan(e[d * 3 + 2]));
    CHECK_FALSE(std::isnan(e[d * 3]));
  }
  auto bad = o;
  bad.lambda = 0;
  CHECK_THROWS_WITH(kernel_ridge_estimates(in, f.ratings, bad), Catch::Contains("lambda"));
  in.zones.pop_back();
  CHECK_THROWS_WITH(kernel_ridge_estimates(in, f.ratings, o), Catch::Contains("sizes"));
}

TEST_CASE("text index: the cosine at another IDF power; 1 is the index's own", "[estimate]") {
  const auto f = fixture();
  Tokenizer t;
  TextIndex idx(f.documents, t);
  CHECK(idx.cosine(1.0) == idx.matrix());
  const auto flat = idx.cosine(0.7);
  REQUIRE(flat.size() == idx.matrix().size());
  // Flattening the IDF gives shared common words more weight: two gardens stay similar, and the
  // matrix is still a cosine (symmetric, 1 on the diagonal).
  CHECK(flat[0 * 8 + 1] > 0);
  for (std::size_t a = 0; a < 8; ++a) {
    CHECK(flat[a * 8 + a] == Approx(1.0f).margin(1e-6));
    for (std::size_t b = 0; b < 8; ++b) CHECK(flat[a * 8 + b] == Approx(flat[b * 8 + a]).margin(1e-6));
  }
  CHECK(flat != idx.matrix());
}
