// Dev tool: grid over estimation parameters on a real release folder (reads the TSV files
// directly). Usage: tune DIR key=value...
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "nodes/estimate/estimator.hpp"
#include "nodes/estimate/validation.hpp"
#include <Eigen/Dense>

using namespace estimate;

static std::vector<std::vector<std::string>> read_tsv(const std::string& path) {
  std::ifstream f(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool header = true;
  while (std::getline(f, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (header) { header = false; continue; }
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, '\t')) cols.push_back(c);
    rows.push_back(cols);
  }
  return rows;
}

int main(int argc, char** argv) {
  std::string dir = argv[1];
  std::map<std::string, double> p = {{"title", 3}, {"desc", 1}, {"core", 1}, {"supp", 0.5}, {"alt", 0.3},
                                     {"rep", 0.5}, {"k", 15}, {"power", 1}, {"shrink", 0}, {"zone", 1},
                                     {"iscale", 1}, {"floor", 0.1}, {"tech", 0}, {"techex", 0}, {"stack", 0}, {"tau", 0.1}, {"zk", 0}, {"zpen", 0}, {"sep", 0}, {"wt", 1}, {"wd", 1}, {"wk", 1}, {"soc2", 0}, {"soc5", 0}, {"soc6", 0}, {"soc7", 0}};
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto eq = a.find('=');
    p[a.substr(0, eq)] = std::stod(a.substr(eq + 1));
  }
  auto t0 = std::chrono::steady_clock::now();
  auto occ = read_tsv(dir + "/Occupation Data.txt");
  std::map<std::string, std::size_t> idx;
  std::vector<Document> docs;
  for (auto& r : occ) {
    idx[r[0]] = docs.size();
    docs.push_back({r[0], {{r[1], p["title"]}, {r[2], p["desc"]}}});
  }
  for (auto& r : read_tsv(dir + "/Task Statements.txt")) {
    double w = r[3] == "Core" ? p["core"] : p["supp"];
    docs[idx[r[0]]].fields.push_back({r[2], w});
  }
  for (auto& r : read_tsv(dir + "/Alternate Titles.txt")) docs[idx[r[0]]].fields.push_back({r[1], p["alt"]});
  for (auto& r : read_tsv(dir + "/Sample of Reported Titles.txt")) docs[idx[r[0]]].fields.push_back({r[1], p["rep"]});
  for (auto& r : read_tsv(dir + "/Technology Skills.txt")) {
    docs[idx[r[0]]].fields.push_back({r[3], p["tech"]});
    docs[idx[r[0]]].fields.push_back({r[1], p["techex"]});
  }
  std::vector<int> zones(docs.size(), 0);
  for (auto& r : read_tsv(dir + "/Job Zones.txt")) zones[idx[r[0]]] = std::stoi(r[1]);
  Tokenizer tok;
  TextIndex index(docs, tok);
  auto t1 = std::chrono::steady_clock::now();
  if (p["soc2"] + p["soc5"] + p["soc6"] + p["soc7"] > 0) {
    for (std::size_t a = 0; a < docs.size(); ++a) {
      float* r = const_cast<float*>(index.row(a));
      for (std::size_t b = 0; b < docs.size(); ++b) {
        const auto& x = docs[a].code; const auto& y = docs[b].code;
        double bonus = 0;
        if (x.compare(0, 7, y, 0, 7) == 0) bonus = p["soc7"];
        else if (x.compare(0, 6, y, 0, 6) == 0) bonus = p["soc6"];
        else if (x.compare(0, 5, y, 0, 5) == 0) bonus = p["soc5"];
        else if (x.compare(0, 2, y, 0, 2) == 0) bonus = p["soc2"];
        r[b] += bonus;
      }
    }
  }
  if (p["sep"] > 0) {
    // separate indexes per field group, combined linearly
    std::vector<Document> dt(docs.size()), dd(docs.size()), dtask(docs.size());
    for (std::size_t i = 0; i < docs.size(); ++i) { dt[i].code = dd[i].code = dtask[i].code = docs[i].code; }
    for (auto& r : occ) { auto i = idx[r[0]]; dt[i].fields.push_back({r[1], 3}); dd[i].fields.push_back({r[2], 1}); }
    for (auto& r : read_tsv(dir + "/Task Statements.txt")) dtask[idx[r[0]]].fields.push_back({r[2], r[3] == "Core" ? 1.0 : p["supp"]});
    for (auto& r : read_tsv(dir + "/Alternate Titles.txt")) dt[idx[r[0]]].fields.push_back({r[1], p["alt"]});
    for (auto& r : read_tsv(dir + "/Sample of Reported Titles.txt")) dt[idx[r[0]]].fields.push_back({r[1], p["rep"]});
    TextIndex it(dt, tok), id(dd, tok), itask(dtask, tok);
    for (std::size_t a = 0; a < docs.size(); ++a) {
      float* r = const_cast<float*>(index.row(a));
      for (std::size_t b = 0; b < docs.size(); ++b) {
        double wt = p["wt"], wd = p["wd"], wk = itask.document_terms(a) && itask.document_terms(b) ? p["wk"] : 0;
        r[b] = (wt * it.similarity(a, b) + wd * id.similarity(a, b) + wk * itask.similarity(a, b)) / (wt + wd + wk);
      }
    }
  }
  if (p["zpen"] > 0) {
    for (std::size_t a = 0; a < docs.size(); ++a) {
      float* r = const_cast<float*>(index.row(a));
      for (std::size_t b = 0; b < docs.size(); ++b)
        if (zones[a] > 0 && zones[b] > 0) r[b] *= std::exp(-p["zpen"] * std::abs(zones[a] - zones[b]));
    }
  }
  RatingMatrix rm;
  std::map<std::string, std::size_t> colidx;
  std::vector<std::tuple<std::size_t, std::size_t, double>> cells;
  for (std::string dom : {"skills", "knowledge"}) {
    for (auto& r : read_tsv(dir + "/" + (dom == "skills" ? "Skills.txt" : "Knowledge.txt"))) {
      std::string key = r[1] + "/" + r[3];
      if (!colidx.count(key)) {
        colidx[key] = rm.columns.size();
        rm.columns.push_back({r[1], r[3], dom, r[3] == "IM" ? 1.0 : 0.0, r[3] == "IM" ? 5.0 : 7.0});
      }
      cells.emplace_back(idx[r[0]], colidx[key], std::stod(r[4]));
    }
  }
  rm.values.assign(docs.size() * rm.columns.size(), kNaN);
  for (auto& [d, c, v] : cells) rm.values[d * rm.columns.size() + c] = v;
  EstimateOptions o;
  o.k = static_cast<std::size_t>(p["k"]);
  o.power = p["power"];
  o.shrink = p["shrink"];
  o.job_zone_adjust = p["zone"] != 0;
  o.interval_scale = p["iscale"];
  o.sd_floor = p["floor"];
  Estimator est(index, rm, p["zone"] != 0 ? zones : std::vector<int>{}, o);
  std::vector<OccupationEstimate> all;
  for (std::size_t d = 0; d < docs.size(); ++d) all.push_back(est.estimate(d));
  if (p["stack"] > 0) {
    const std::size_t m = rm.columns.size();
    std::vector<std::size_t> rows;
    for (std::size_t d = 0; d < docs.size(); ++d) if (est.rated(d)) rows.push_back(d);
    const std::size_t n = rows.size(), f = m + 2;
    Eigen::MatrixXd X(n, f), Y(n, m);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t c = 0; c < m; ++c) { X(i, c) = all[rows[i]].values[c].value; Y(i, c) = rm.at(rows[i], c); }
      X(i, m) = zones[rows[i]]; X(i, m + 1) = 1;
    }
    Eigen::MatrixXd A = X.transpose() * X;
    for (std::size_t j = 0; j + 1 < f; ++j) A(j, j) += p["stack"];
    Eigen::LDLT<Eigen::MatrixXd> ldlt(A);
    Eigen::MatrixXd B = ldlt.solve(X.transpose() * Y);
    Eigen::MatrixXd Ainv = ldlt.solve(Eigen::MatrixXd::Identity(f, f));
    Eigen::MatrixXd P = X * B;
    for (std::size_t i = 0; i < n; ++i) {
      double h = X.row(i) * Ainv * X.row(i).transpose();
      for (std::size_t c = 0; c < m; ++c) {
        double loo = (P(i, c) - h * Y(i, c)) / (1 - h);
        auto& e = all[rows[i]].values[c];
        double shift = loo - e.value; e.value = loo; e.lower += shift; e.upper += shift;
      }
    }
  }
  if (p.count("oracle")) {
    const std::size_t m = rm.columns.size();
    double abs = 0; std::size_t cnt = 0;
    double abs_t = 0;
    for (std::size_t d = 0; d < docs.size(); ++d) {
      if (!est.rated(d)) continue;
      std::vector<std::pair<double, std::size_t>> dist;
      for (std::size_t e = 0; e < docs.size(); ++e) {
        if (e == d || !est.rated(e)) continue;
        double s2 = 0;
        for (std::size_t c = 0; c < m; ++c) { double x = rm.at(d, c) - rm.at(e, c); s2 += x * x; }
        dist.push_back({s2, e});
      }
      std::partial_sort(dist.begin(), dist.begin() + 15, dist.end());
      for (std::size_t c = 0; c < m; ++c) {
        if (rm.columns[c].domain != "skills" || rm.columns[c].scale_id != "LV") continue;
        double sum = 0; for (int i = 0; i < 15; ++i) sum += rm.at(dist[i].second, c);
        abs += std::abs(sum / 15 - rm.at(d, c)); ++cnt;
      }
    }
    std::printf("oracle k=15 skills LV MAE %.3f\n", abs / cnt);
  }
  if (p.count("krr")) {
    // kernel ridge regression on K = exp((sim-1)/tau), LOO closed form
    const std::size_t m = rm.columns.size();
    std::vector<std::size_t> rows;
    for (std::size_t d = 0; d < docs.size(); ++d) if (est.rated(d)) rows.push_back(d);
    const std::size_t n = rows.size();
    double tau = p["tau"] > 0 ? p["tau"] : 0.1;
    Eigen::MatrixXd K(n, n), Y(n, m);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) K(i, j) = std::exp((index.similarity(rows[i], rows[j]) - 1) / tau)
          + p["zk"] * (zones[rows[i]] - 3) * (zones[rows[j]] - 3);
      for (std::size_t c = 0; c < m; ++c) Y(i, c) = rm.at(rows[i], c);
    }
    Eigen::RowVectorXd mu = Y.colwise().mean();
    Eigen::MatrixXd Yc = Y.rowwise() - mu;
    for (std::size_t i = 0; i < n; ++i) K(i, i) += p["krr"];
    Eigen::MatrixXd G = K.ldlt().solve(Eigen::MatrixXd::Identity(n, n));
    Eigen::MatrixXd alpha = G * Yc;
    double abs[4] = {0,0,0,0}; std::size_t cnt[4] = {0,0,0,0};
    for (std::size_t i = 0; i < n; ++i) for (std::size_t c = 0; c < m; ++c) {
      double loo = Y(i, c) - alpha(i, c) / G(i, i);
      int g = (rm.columns[c].domain == "skills" ? 0 : 2) + (rm.columns[c].scale_id == "LV" ? 1 : 0);
      abs[g] += std::abs(loo - Y(i, c)); cnt[g]++;
    }
    std::printf("krr: skills IM %.3f LV %.3f knowledge IM %.3f LV %.3f\n", abs[0]/cnt[0], abs[1]/cnt[1], abs[2]/cnt[2], abs[3]/cnt[3]);
    return 0;
  }
  auto t2 = std::chrono::steady_clock::now();
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  std::printf("index %.0f ms (%zu terms), estimate %.0f ms |", ms(t0, t1), index.terms(), ms(t1, t2));
  for (auto& [k, v] : p) std::printf(" %s=%g", k.c_str(), v);
  std::printf("\n");
  for (auto& m : validate(rm, all))
    std::printf("  %-9s %s n=%6zu MAE %.3f (base %.3f) bias %+.3f r %.3f cov %.3f\n", m.domain.c_str(),
                m.scale_id.c_str(), m.n, m.mae, m.baseline_mae, m.bias, m.correlation, m.coverage);
}
