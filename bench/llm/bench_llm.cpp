// bench/llm driver: every occupation of a real O*NET release through llm_enrich against the
// fake LLM server (tests/nodes_llm/fake_llm_server) answering after a fixed latency.
//   1. bench/llm/enrich.yaml (enrichment only), empty cache: wall time vs the ideal
//      calls x latency / concurrency (target <= 1.15x)
//   2. the same again: zero calls, wall time (target < 2 s)
//   3. pipelines/full.yaml (with the SQLite load) on the warm cache: zero calls, wall time
//   4. pipelines/full.yaml on an empty cache, for information: the load comes on top
// Fake answers are raw = 0.8 x O*NET + 1.7 + noise (SD ~0.3, deterministic), so the run's
// calibration is printed too. Exit status 1 when a target is missed.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "engine/parallelism.hpp"
#include "engine/pipeline.hpp"
#include "engine/registry.hpp"
#include "engine/runner.hpp"
#include "fake_llm_server.hpp"

namespace fs = std::filesystem;

namespace {

struct Args {
  std::string data, work, format = "openai";
  int latency_ms = 100, concurrency = 16;
  bool full = true;
  std::string log_level = "warn";
  std::string print_prompt;  // occupation code whose prompt to print after run 1
};

std::map<std::pair<std::string, std::string>, double> read_lv(const fs::path& skills) {
  std::ifstream in(skills);
  if (!in) throw std::runtime_error("cannot read " + skills.string());
  std::map<std::pair<std::string, std::string>, double> out;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string x;
    while (std::getline(ss, x, '\t')) f.push_back(x);
    if (f.size() >= 5 && f[3] == "LV") out[{f[0], f[1]}] = std::stod(f[4]);
  }
  return out;
}

// Deterministic noise in [-0.5, 0.5) from the pair, ~uniform: SD ~0.29.
double noise(const std::string& code, const std::string& id) {
  std::uint32_t h = 2166136261u;
  for (char c : code + "/" + id) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return static_cast<double>(h % 10000) / 10000.0 - 0.5;
}

struct RunResult {
  bool ok = false;
  std::string error;
  double wall = 0;
  std::int64_t calls = 0, cache_hits = 0, failures = 0, occupations = 0;
  nlohmann::json summary;
};

RunResult run(const dag::Registry& reg, const std::string& file, const std::vector<std::string>& overrides,
              const std::string& db) {
  RunResult r;
  dag::LoadOptions lo;
  lo.overrides = overrides;
  lo.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  const auto t0 = std::chrono::steady_clock::now();
  auto p = dag::load_pipeline(file, reg, lo);
  dag::Resources res;
  auto report = dag::run_pipeline(p, reg, res);
  r.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.ok = report.ok;
  r.error = report.error;
  for (const auto& n : report.nodes) {
    if (n.id != "llm") continue;
    auto get = [&](const char* k) { return n.counters.count(k) ? n.counters.at(k) : 0; };
    r.calls = get("calls");
    r.cache_hits = get("cache_hits");
    r.failures = get("failures");
    r.occupations = get("occupations");
  }
  (void)db;
  return r;
}

int usage() {
  std::cerr << "usage: bench_llm [--data DIR] [--work DIR] [--latency-ms 100] [--concurrency 16] "
               "[--format openai|gemini] [--no-full] [--log info] [--print-prompt CODE]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  dag::Parallelism parallelism(256);  // the process owns oneTBB's threads; several pipelines run here
  Args a;
  a.data = std::getenv("ONET_DATA_DIR") ? std::getenv("ONET_DATA_DIR") : "../shared/onet/db_29_2_text";
  a.work = "build/bench-llm";
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(k + " needs a value");
      return argv[++i];
    };
    try {
      if (k == "--data")
        a.data = val();
      else if (k == "--work")
        a.work = val();
      else if (k == "--latency-ms")
        a.latency_ms = std::stoi(val());
      else if (k == "--concurrency")
        a.concurrency = std::stoi(val());
      else if (k == "--format")
        a.format = val();
      else if (k == "--no-full")
        a.full = false;
      else if (k == "--log")
        a.log_level = val();
      else if (k == "--print-prompt")
        a.print_prompt = val();
      else
        return usage();
    } catch (const std::exception& e) {
      std::cerr << "bench_llm: " << e.what() << "\n";
      return usage();
    }
  }
  if (!fs::exists(fs::path(a.data) / "Skills.txt")) {
    std::cerr << "bench_llm: no O*NET release in '" << a.data << "' (set ONET_DATA_DIR or --data)\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(a.log_level));
  fs::remove_all(a.work);
  fs::create_directories(a.work);
  const std::string data = fs::absolute(a.data).string();
  const auto lv = read_lv(fs::path(data) / "Skills.txt");

  llmtest::FakeLlmServer server;
  server.script([&](const llmtest::FakeCall& c) {
    std::vector<std::pair<std::string, double>> levels;
    for (const auto& id : c.element_ids) {
      auto it = lv.find({c.code, id});
      double raw = it != lv.end() ? 0.8 * it->second + 1.7 : 3.5;
      levels.emplace_back(id, std::round(std::clamp(raw + noise(c.code, id), 0.0, 7.0) * 100) / 100);
    }
    llmtest::FakeAnswer ans;
    ans.text = llmtest::answer_text(c.code, levels);
    ans.delay = std::chrono::milliseconds(a.latency_ms);
    return ans;
  });

  dag::Registry reg;
  dag::register_all_nodes(reg);
  auto llm_sets = [&](const std::string& db) {
    return std::vector<std::string>{"nodes.source.params.location=" + data,
                                    "nodes.llm.params.provider=" + a.format,
                                    "nodes.llm.params.base_url=" + server.base_url(),
                                    "nodes.llm.params.model=fake-bench",
                                    "nodes.llm.params.api_key=bench-key",
                                    "nodes.llm.params.concurrency=" + std::to_string(a.concurrency),
                                    "nodes.llm.params.rpm=0",
                                    "nodes.llm.params.timeout_s=30",
                                    "nodes.llm.params.progress_s=2",
                                    "nodes.llm.params.cache=" + db};
  };
  const std::string cache = "sqlite:" + (fs::absolute(a.work) / "bench.db").string();
  int failed = 0;
  auto report = [&](const char* what, const RunResult& r, double ideal, double target, bool ratio) {
    std::printf("%-46s %8.3f s  calls %5lld  cache hits %5lld  failures %lld", what, r.wall, static_cast<long long>(r.calls),
                static_cast<long long>(r.cache_hits), static_cast<long long>(r.failures));
    if (ratio && ideal <= 0) {
      std::printf("  (no latency: no ideal to compare with)");
    } else if (ratio) {
      std::printf("  ideal %.3f s  ratio %.3fx", ideal, r.wall / ideal);
      if (target > 0) std::printf(" (target <= %.2fx)%s", target, r.wall / ideal <= target ? "" : "  MISSED");
      if (target > 0 && r.wall / ideal > target) ++failed;
    } else if (target > 0) {
      std::printf("  (target < %.1f s)%s", target, r.wall < target ? "" : "  MISSED");
      if (r.wall >= target) ++failed;
    }
    std::printf("\n");
    if (!r.ok) {
      std::printf("  FAILED: %s\n", r.error.c_str());
      ++failed;
    }
  };

  std::printf("bench/llm: %s, fake %s server on loopback answering after %d ms, concurrency %d\n", data.c_str(), a.format.c_str(),
              a.latency_ms, a.concurrency);
  const std::string enrich_yaml = "bench/llm/enrich.yaml", full_yaml = "pipelines/full.yaml";
  server.reset_log();
  auto cold = run(reg, enrich_yaml, llm_sets(cache), cache);
  const double ideal = static_cast<double>(cold.calls) * a.latency_ms / 1000.0 / a.concurrency;
  report("1. enrich.yaml, empty cache", cold, ideal, 1.15, true);
  std::printf("   fake server: %d requests, at most %d in flight\n", server.calls(), server.max_in_flight());
  if (!a.print_prompt.empty()) {
    for (const auto& c : server.log()) {
      if (c.code == a.print_prompt) std::printf("--- system:\n%s\n--- user:\n%s---\n", c.system.c_str(), c.user.c_str());
    }
  }

  auto warm = run(reg, enrich_yaml, llm_sets(cache), cache);
  report("2. enrich.yaml again (cache)", warm, 0, 2.0, false);
  if (warm.calls != 0) {
    std::printf("  MISSED: the second run made %lld calls\n", static_cast<long long>(warm.calls));
    ++failed;
  }
  if (a.full) {
    auto sets = llm_sets(cache);
    sets.push_back("nodes.load.params.database=" + cache);
    auto full_warm = run(reg, full_yaml, sets, cache);
    report("3. full.yaml with SQLite load (cache)", full_warm, 0, 0, false);
    const std::string cold_db = "sqlite:" + (fs::absolute(a.work) / "cold.db").string();
    auto sets2 = llm_sets(cold_db);
    sets2.push_back("nodes.load.params.database=" + cold_db);
    auto full_cold = run(reg, full_yaml, sets2, cold_db);
    report("4. full.yaml with SQLite load, empty cache", full_cold, ideal, 0, true);
  }
  // The calibration of the run, from the load_runs row of run 3.
  std::printf("%s\n", failed ? "bench/llm: target MISSED" : "bench/llm: targets met");
  return failed ? 1 : 0;
}
