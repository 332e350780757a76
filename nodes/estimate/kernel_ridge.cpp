#include "nodes/estimate/kernel_ridge.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <stdexcept>

namespace estimate {

namespace {

using Mat = Eigen::MatrixXd;
using Vec = Eigen::VectorXd;

// The documents' LSA coordinates: the top `dims` eigenvectors of the symmetric positive
// semi-definite S, each scaled by the square root of its eigenvalue (rows not yet normalised:
// the caller keeps the leading columns it wants, then normalises). Block power
// iteration on `dims + 30` vectors, 5 products with S, from a fixed seed: the leading subspace
// of a 1,016 × 1,016 cosine matrix in ~0.15 s, where a full eigendecomposition takes ~2 s. The
// subspace is not exact after so few rounds, but the estimates do not care: on O*NET 29.2 the
// leave-one-out MAE with 4, 8 or 16 rounds and with the exact eigenvectors agree within 0.0006.
// Returns n × dims, the largest eigenvalue first.
Mat lsa_coordinates(const Eigen::MatrixXf& S, std::size_t dims) {
  using MatF = Eigen::MatrixXf;
  const auto n = S.rows();
  const auto d = static_cast<Eigen::Index>(std::min<std::size_t>(dims, static_cast<std::size_t>(n)));
  const auto b = std::min<Eigen::Index>(n, d + 30);
  std::mt19937_64 rng(1);
  std::normal_distribution<float> normal;
  MatF Q(n, b);
  for (Eigen::Index j = 0; j < b; ++j)
    for (Eigen::Index i = 0; i < n; ++i) Q(i, j) = normal(rng);
  auto orthonormal = [&](const MatF& X) {
    Eigen::HouseholderQR<MatF> qr(X);
    return MatF(qr.householderQ() * MatF::Identity(n, b));
  };
  Q = orthonormal(S * Q);
  for (int round = 0; round < 4; ++round) Q = orthonormal(S * Q);
  const Mat Qd = Q.cast<double>();
  const Mat B = Qd.transpose() * (S * Q).cast<double>();  // b × b: S restricted to the subspace
  Eigen::SelfAdjointEigenSolver<Mat> es(B);
  Mat Z(n, d);
  for (Eigen::Index j = 0; j < d; ++j) {  // eigenvalues ascend: take them from the end
    const Eigen::Index k = b - 1 - j;
    Z.col(j) = Qd * es.eigenvectors().col(k) * std::sqrt(std::max(es.eigenvalues()(k), 0.0));
  }
  return Z;
}

// Per document, a number for the group its code's first `len` characters name: 2 = major group
// (15), 4 = minor group (15-1), 6 = broad occupation (15-125). Equal numbers, same group.
std::vector<int> soc_groups(const std::vector<std::string>& codes, std::size_t len) {
  std::map<std::string, int> ids;
  std::vector<int> out;
  out.reserve(codes.size());
  for (const auto& c : codes)
    out.push_back(ids.emplace(c.substr(0, std::min(len, c.size())), static_cast<int>(ids.size())).first->second);
  return out;
}

}  // namespace

std::vector<double> kernel_ridge_estimates(const KernelInputs& in, const RatingMatrix& ratings, const KernelRidgeOptions& o) {
  const std::size_t n = in.codes.size(), m = ratings.columns.size();
  if (in.cosine.size() != n * n || in.lsa_cosine.size() != n * n || in.zones.size() != n || ratings.values.size() != n * m) {
    throw std::invalid_argument("kernel ridge: inputs of inconsistent sizes");
  }
  if (!(o.lambda > 0)) throw std::invalid_argument("kernel ridge: lambda must be positive");
  if (o.rating_space_share < 0 || o.rating_space_share > 1)
    throw std::invalid_argument("kernel ridge: rating_space_share in [0, 1]");
  std::vector<double> out(n * m, kNaN);

  // Rated documents, and Y (rated × columns) with each missing value set to its column's mean.
  std::vector<Eigen::Index> rated;
  for (std::size_t d = 0; d < n; ++d) {
    for (std::size_t c = 0; c < m; ++c) {
      if (!std::isnan(ratings.at(d, c))) {
        rated.push_back(static_cast<Eigen::Index>(d));
        break;
      }
    }
  }
  const auto r = static_cast<Eigen::Index>(rated.size());
  if (r < 2) return out;
  const auto cols = static_cast<Eigen::Index>(m);
  Mat Y(r, cols);
  std::vector<bool> column_known(m, false);
  for (Eigen::Index c = 0; c < cols; ++c) {
    double sum = 0;
    std::size_t count = 0;
    for (Eigen::Index i = 0; i < r; ++i) {
      const double v = ratings.at(static_cast<std::size_t>(rated[i]), static_cast<std::size_t>(c));
      if (!std::isnan(v)) {
        sum += v;
        ++count;
      }
    }
    column_known[static_cast<std::size_t>(c)] = count > 0;
    const double mean = count ? sum / static_cast<double>(count) : 0;
    for (Eigen::Index i = 0; i < r; ++i) {
      const double v = ratings.at(static_cast<std::size_t>(rated[i]), static_cast<std::size_t>(c));
      Y(i, c) = std::isnan(v) ? mean : v;
    }
  }

  // The kernel between every document and the rated ones (n × r).
  const auto nn = static_cast<Eigen::Index>(n);
  // Single precision for the power iteration (the cosines are floats already; half the time).
  const Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> S(in.lsa_cosine.data(), nn, nn);
  const Mat Z = lsa_coordinates(S, std::max(o.lsa_dims, o.lsa_coarse_dims));
  // The leading `dims` coordinates, rows of length 1: a document's LSA cosine with another is
  // then the dot product of their rows.
  auto lsa_block = [&](std::size_t dims) {
    const auto d = std::min<Eigen::Index>(static_cast<Eigen::Index>(dims), Z.cols());
    Mat Zd = Z.leftCols(d);
    for (Eigen::Index i = 0; i < nn; ++i) Zd.row(i) /= Zd.row(i).norm() + 1e-12;
    return Zd;
  };
  const Mat Z1 = lsa_block(o.lsa_dims), Z2 = lsa_block(o.lsa_coarse_dims);
  Mat K =
      o.lsa_weight * (Z1 * Z1(rated, Eigen::all).transpose()) + o.lsa_coarse_weight * (Z2 * Z2(rated, Eigen::all).transpose());
  const auto major = soc_groups(in.codes, 2), minor = soc_groups(in.codes, 4), broad = soc_groups(in.codes, 6);
  for (Eigen::Index i = 0; i < nn; ++i) {
    const auto a = static_cast<std::size_t>(i);
    const double za = in.zones[static_cast<std::size_t>(i)] - 3;
    for (Eigen::Index j = 0; j < r; ++j) {
      const auto b = static_cast<std::size_t>(rated[j]);
      double k = o.constant + o.text_weight * in.cosine[static_cast<std::size_t>(i * nn + rated[j])] +
                 o.zone_weight * za * (in.zones[static_cast<std::size_t>(rated[j])] - 3);
      if (major[a] == major[b]) {
        k += o.soc_major_weight;
        if (minor[a] == minor[b]) {
          k += o.soc_minor_weight;
          if (broad[a] == broad[b]) k += o.soc_broad_weight;
        }
      }
      K(i, j) += k;
    }
  }

  // The fit: A = K_RR + λI = L Lᵀ; α = A⁻¹ Y; diag(A⁻¹) = the squared column norms of L⁻¹.
  Mat A = K(rated, Eigen::all);
  A.diagonal().array() += o.lambda;
  Eigen::LLT<Mat> llt(A);
  if (llt.info() != Eigen::Success) throw std::runtime_error("kernel ridge: the kernel matrix is not positive definite");
  const Mat alpha = llt.solve(Y);
  const Mat Linv = llt.matrixL().solve(Mat::Identity(r, r));
  const Vec inv_diag = Linv.colwise().squaredNorm().transpose();

  Mat E = K * alpha;  // n × columns; rated rows replaced by their leave-one-out prediction
  for (Eigen::Index i = 0; i < r; ++i) E.row(rated[i]) = Y.row(i) - alpha.row(i) / inv_diag(i);
  for (Eigen::Index c = 0; c < cols; ++c) {
    const auto& col = ratings.columns[static_cast<std::size_t>(c)];
    E.col(c) = E.col(c).cwiseMax(col.minimum).cwiseMin(col.maximum);
  }

  // Rating-space neighbours of each estimate, on columns scaled by their spread.
  Mat F = E;
  if (o.rating_space_share > 0 && o.rating_space_k > 0) {
    Vec scale = ((Y.rowwise() - Y.colwise().mean()).colwise().squaredNorm() / static_cast<double>(r)).cwiseSqrt();
    for (Eigen::Index c = 0; c < cols; ++c)
      if (!(scale(c) > 0)) scale(c) = 1;
    const Mat P = E * scale.cwiseInverse().asDiagonal(), Q = Y * scale.cwiseInverse().asDiagonal();
    const Mat D =
        ((-2.0 * P * Q.transpose()).colwise() + P.rowwise().squaredNorm()).rowwise() + Q.rowwise().squaredNorm().transpose();
    std::vector<Eigen::Index> self(n, -1);
    for (Eigen::Index i = 0; i < r; ++i) self[static_cast<std::size_t>(rated[i])] = i;
    const std::size_t k = std::min<std::size_t>(o.rating_space_k, static_cast<std::size_t>(r - 1));
    std::vector<Eigen::Index> order;
    for (Eigen::Index i = 0; i < nn; ++i) {
      order.resize(static_cast<std::size_t>(r));
      std::iota(order.begin(), order.end(), 0);
      const Eigen::Index own = self[static_cast<std::size_t>(i)];
      if (own >= 0) order.erase(order.begin() + own);  // never itself
      std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                        [&](Eigen::Index a, Eigen::Index b) { return D(i, a) != D(i, b) ? D(i, a) < D(i, b) : a < b; });
      const double d0 = D(i, order[0]) / static_cast<double>(cols);
      Vec mean = Vec::Zero(cols);
      double sw = 0;
      for (std::size_t j = 0; j < k; ++j) {
        const double w = std::exp(-(D(i, order[j]) / static_cast<double>(cols) - d0) / o.rating_space_tau);
        mean += w * Y.row(order[j]).transpose();
        sw += w;
      }
      F.row(i) = (1 - o.rating_space_share) * E.row(i) + o.rating_space_share * (mean / sw).transpose();
    }
  }
  for (std::size_t d = 0; d < n; ++d)
    for (std::size_t c = 0; c < m; ++c)
      if (column_known[c]) out[d * m + c] = F(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(c));
  return out;
}

}  // namespace estimate
