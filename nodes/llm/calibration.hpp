#pragma once
// Calibration of the model's raw levels against O*NET's own LV values, and the refined value.
//
// Fit: ordinary least squares of O*NET's value on the raw level, onet ≈ intercept + slope·raw,
// over every (rated occupation, element) pair. Judged on held-out data: occupations are split
// into k folds (by a hash of the code, so the split is the same on every run), each fold is
// predicted by the fit on the others, and the metrics of those out-of-fold predictions are the
// "calibrated" figures; the "raw" figures compare the raw levels directly. The residual SD of the
// held-out predictions is the calibrated LLM value's standard error in the blend. The map
// applied to the data is the fit on all pairs.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace llm {

struct Pair {
  std::string code;  // occupation (fold key)
  double raw = 0;    // model's level
  double onet = 0;   // O*NET's LV value
};

struct LinearMap {
  double slope = 1, intercept = 0;
  double apply(double raw) const { return intercept + slope * raw; }
};

struct Metrics {
  std::size_t n = 0;
  double mae = 0;   // mean |prediction - onet|
  double bias = 0;  // mean (prediction - onet)
  double r = 0;     // Pearson correlation (0 when undefined)
  nlohmann::json to_json() const;
};

Metrics compare(const std::vector<double>& predicted, const std::vector<double>& truth);

// nullopt when the raw levels do not vary (no line can be fitted) or there are < 2 pairs.
std::optional<LinearMap> fit_linear(const std::vector<double>& raw, const std::vector<double>& onet);

struct Calibration {
  bool fitted = false;  // false: too little data; `map` is then the identity
  std::string note;     // why not fitted
  LinearMap map;        // fitted on all pairs
  std::size_t pairs = 0, occupations = 0, folds = 0;
  Metrics raw, calibrated;  // calibrated = out-of-fold predictions
  double residual_sd = 0;   // RMS of the held-out residuals
  nlohmann::json to_json() const;
};

// min_pairs: fewer pairs than this (or fewer than 2 occupations) leaves the data uncalibrated.
Calibration calibrate(const std::vector<Pair>& pairs, int folds, std::size_t min_pairs);

struct BlendOptions {
  double se_floor = 0.05;   // O*NET standard errors below this are raised to it
  double default_se = 0.5;  // used where O*NET gives no standard error (n/a)
  double lo = 0, hi = 7;    // the LV scale's range (Scales Reference)
};

// Precision-weighted mean of O*NET's value (standard error `se`) and the calibrated LLM value
// (standard error `llm_sd`), clamped to [lo, hi].
double blend(double onet, std::optional<double> se, double llm, double llm_sd, const BlendOptions& o);

double clamp_level(double v, const BlendOptions& o);

}  // namespace llm
