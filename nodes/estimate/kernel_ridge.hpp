#pragma once
// Point estimates by kernel ridge regression on several similarity kernels of O*NET's text and
// codes, with exact leave-one-out for the rated occupations (issue 11; the method the Python
// prototype in bench/estimate/research found, reduced to the kernels that carry its accuracy).
//
//   K(a, b)  = w_text · cos(a, b)                      the index's TF-IDF cosine
//            + w_lsa · lsa_50(a, b) + w_coarse · lsa_20(a, b)
//                                                      LSA: cosine of the documents' coordinates on
//                                                      the top 50 (20) eigenvectors of the cosine
//                                                      matrix at IDF^0.7, scaled by √eigenvalue
//            + w_major · [same SOC major group] + w_minor · [same minor group XX-X]
//            + w_broad · [same broad occupation XX-XXX]
//            + w_zone · (zone_a − 3)(zone_b − 3)        job zone (unknown: its text neighbours')
//            + constant
//   α        = (K_RR + λI)⁻¹ Y                          R: rated occupations, Y: their values
//   ŷ_u      = K_uR α                                   an occupation O*NET does not rate
//   ŷ_i      = y_i − α_i / ((K_RR + λI)⁻¹)_ii            a rated one: the exact leave-one-out
//                                                      prediction, the fit without row i
//   final    = (1 − s) · ŷ + s · (similarity-weighted mean of the k rated occupations nearest
//              to ŷ in rating space, never itself; weights exp(−(d² − d²_min) / τ))
// Every column (element × scale) is fitted at once: the kernel is shared, only Y differs. A
// rated occupation's missing value is filled with its column's mean over the rated ones (it has
// no value of its own to leak). The top eigenvectors come from a block power iteration of
// fixed length and seed: deterministic, and a tenth of the cost of a full eigendecomposition.
#include <cstddef>
#include <string>
#include <vector>

#include "nodes/estimate/estimator.hpp"

namespace estimate {

struct KernelRidgeOptions {
  double lambda = 1.2;
  double constant = 10;
  double text_weight = 1.0;
  double lsa_weight = 2.0;
  std::size_t lsa_dims = 50;
  double lsa_coarse_weight = 0.5;
  std::size_t lsa_coarse_dims = 20;
  double lsa_idf_power = 0.7;
  double soc_major_weight = 0.2, soc_minor_weight = 0.1, soc_broad_weight = 0.2;
  double zone_weight = 0.04;
  std::size_t rating_space_k = 10;
  double rating_space_tau = 0.1;
  double rating_space_share = 0.3;
};

struct KernelInputs {
  std::vector<std::string> codes;  // O*NET-SOC code per document
  std::vector<float> cosine;       // n x n, the index's TF-IDF cosine
  std::vector<float> lsa_cosine;   // n x n, the same at IDF^lsa_idf_power
  std::vector<double> zones;       // per document; any value (imputed where O*NET has none)
};

// Estimates per (document, column), row-major n x columns; NaN for a column no rated document
// has. Rated documents get their exact leave-one-out estimate. Throws std::invalid_argument on
// inconsistent sizes or options.
std::vector<double> kernel_ridge_estimates(const KernelInputs& in, const RatingMatrix& ratings, const KernelRidgeOptions& o);

}  // namespace estimate
