// What skillgap-api itself costs per /skill-gap request, without the transport: App::serve (route
// dispatch, query check, the skill_gap subgraph, the answer's JSON, metrics and the access-log
// line, written to /dev/null) on random real pairs, from THREADS threads at once, as the HTTP
// threads call it. CPU time per request is read from each thread's own clock, so it is steadier
// than requests/s on a shared machine; bench/api/run.sh prints it beside the HTTP runs, where
// (API − floor) CPU per request should come out near this figure (issue 10 §8).
//
//   bench_serve --db sqlite:PATH --codes FILE [--requests N] [--threads T] [--pipeline YAML]
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/access_log.hpp"
#include "api/app.hpp"
#include "engine/parallelism.hpp"

namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Closes the descriptor it opened (the access log's target) when the bench ends.
struct DevNull {
  int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  ~DevNull() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"bench_serve: skillgap-api's own CPU per /skill-gap request (App::serve, no HTTP)"};
  std::string db, codes_path, pipeline = "pipelines/skill_gap.yaml";
  std::size_t requests = 20000, threads = 2;
  cli.add_option("--db", db, "database URL of a loaded dataset")->required();
  cli.add_option("--codes", codes_path, "occupation codes to pair at random, one per line")->required()->check(CLI::ExistingFile);
  cli.add_option("--requests", requests, "requests per thread")->check(CLI::Range(1, 100000000))->capture_default_str();
  cli.add_option("--threads", threads, "threads calling serve() at once")->check(CLI::Range(1, 64))->capture_default_str();
  cli.add_option("--pipeline", pipeline, "lookup subgraph definition")->capture_default_str();
  CLI11_PARSE(cli, argc, argv);

  std::vector<std::string> codes;
  {
    std::ifstream in(codes_path);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) codes.push_back(line);
  }
  if (codes.empty()) {
    std::cerr << "bench_serve: no codes in " << codes_path << "\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);

  try {
    api::AppConfig cfg;
    cfg.database_url = db;
    cfg.pipeline = pipeline;
    dag::Parallelism parallelism(api::App::engine_threads(cfg));
    DevNull sink;
    api::AccessLog access_log("bench_serve", spdlog::level::info, sink.fd);
    api::App app(cfg, access_log.logger());
    app.start();
    if (app.cache().status().profiles == 0) {
      std::cerr << "bench_serve: no profiles loaded from " << db << "\n";
      return 1;
    }

    std::atomic<std::uint64_t> bytes{0}, not_ok{0};
    std::vector<double> cpu(threads, 0.0);
    auto worker = [&](std::size_t t, std::size_t n) {
      std::mt19937 rng(static_cast<std::uint32_t>(7919 * (t + 1)));
      std::uniform_int_distribution<std::size_t> pick(0, codes.size() - 1);
      std::uint64_t b = 0, bad = 0;
      const double c0 = thread_cpu_seconds();
      for (std::size_t i = 0; i < n; ++i) {
        api::Request req{"GET", "/skill-gap", "from=" + codes[pick(rng)] + "&to=" + codes[pick(rng)]};
        // Every answer of a local pair comes back before serve() returns (the subgraph's nodes
        // are quick): no waiting here.
        app.serve(req, [&](api::Response r) {
          b += r.body.size();
          bad += r.status == 200 ? 0 : 1;
        });
      }
      cpu[t] = thread_cpu_seconds() - c0;
      bytes += b;
      not_ok += bad;
    };
    // A warm-up pass (caches, allocator), then the measured one.
    worker(0, std::min<std::size_t>(requests, 2000));
    bytes = 0;
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(worker, t, requests);
    for (auto& th : pool) th.join();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double total_cpu = 0;
    for (double c : cpu) total_cpu += c;
    const double n = static_cast<double>(requests * threads);
    std::cout << fmt::format(
        "RESULT serve_cpu_us_per_req={:.1f} serve_req_per_s={:.0f} threads={} requests={} mean_bytes={:.0f} non_200={}\n",
        total_cpu / n * 1e6, n / wall, threads, requests * threads, static_cast<double>(bytes.load()) / n, not_ok.load());
    app.stop();
    return not_ok.load() == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "bench_serve: " << e.what() << "\n";
    return 1;
  }
}
