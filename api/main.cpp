// skillgap-api: serves the loaded O*NET database over HTTP (see api/openapi.json).
#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <thread>

#include <CLI/CLI.hpp>
#include <spdlog/async.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "api/access_log.hpp"
#include "api/app.hpp"
#include "api/http_server.hpp"
#include "common/defaults.hpp"
#include "common/env.hpp"
#include "common/main_guard.hpp"
#include "common/redact.hpp"
#include "engine/diagnostics.hpp"
#include "engine/parallelism.hpp"

namespace {

// "127.0.0.1:8080" -> host, port. Throws CLI::ValidationError naming the option.
std::pair<std::string, std::uint16_t> split_listen(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size())
    throw CLI::ValidationError("--listen", "expected HOST:PORT, got '" + s + "'");
  std::string host = s.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    std::size_t used = 0;
    port = std::stoi(s.substr(colon + 1), &used);
    if (used != s.size() - colon - 1) port = -1;
  } catch (...) {
    port = -1;
  }
  if (port < 0 || port > 65535) throw CLI::ValidationError("--listen", "port must be 0-65535, got '" + s.substr(colon + 1) + "'");
  return {host, static_cast<std::uint16_t>(port)};
}

// main()'s body; main() adds the last catch (common/main_guard.hpp).
int run(int argc, char** argv) {
  // SIGINT/SIGTERM are taken synchronously by the main thread (sigwait); blocking them before any
  // thread starts makes every later thread inherit the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  CLI::App cli{"skillgap-api: skill gaps between O*NET occupations over HTTP"};
  std::string listen = "127.0.0.1:8080";
  std::string db = common::env_or("DATABASE_URL", std::string(common::kDefaultDatabaseUrl));
  std::string pipeline = "pipelines/skill_gap.yaml";
  std::string onet_base = common::env_or("ONET_API_BASE", "https://api-v2.onetcenter.org");
  std::size_t threads = std::max(2u, std::thread::hardware_concurrency());
  double refresh = 2.0;
  std::string log_level = "info";
  cli.add_option("--listen", listen, "HOST:PORT to listen on")->capture_default_str();
  // --help shows the defaults; the environment's URLs may hold a password (common/redact.hpp).
  cli.add_option("--db", db, "database URL (sqlite:PATH or mysql://user:pass@host:port/db); env DATABASE_URL")
      ->default_str(common::redact_url(db));
  cli.add_option("--threads", threads, "HTTP I/O threads (default: one per core)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cli.add_option("--pipeline", pipeline, "lookup subgraph definition")->capture_default_str();
  cli.add_option("--onet-api-base", onet_base, "O*NET Web Services base URL; env ONET_API_BASE (used when ONET_API_KEY is set)")
      ->default_str(common::redact_url(onet_base));
  cli.add_option("--refresh-seconds", refresh, "how often to check for a newer completed load run")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  cli.add_option("--log-level", log_level, "trace, debug, info, warn, error")->capture_default_str();
  CLI11_PARSE(cli, argc, argv);

  // Asynchronous logging: a warning a request logs must not make it wait for the terminal (the
  // per-request lines have a buffer and writer of their own: api/access_log.hpp).
  spdlog::init_thread_pool(16384, 1);
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto logger = std::make_shared<spdlog::async_logger>("skillgap-api", sink, spdlog::thread_pool(),
                                                       spdlog::async_overflow_policy::overrun_oldest);
  logger->set_level(spdlog::level::from_str(log_level));
  spdlog::set_default_logger(logger);

  api::ServerOptions server_opts;
  try {
    auto [host, port] = split_listen(listen);
    server_opts.host = host;
    server_opts.port = port;
  } catch (const CLI::ValidationError& e) {
    spdlog::error("{}", e.what());
    return 2;
  }

  api::AppConfig cfg;
  cfg.database_url = db;
  cfg.pipeline = pipeline;
  cfg.cache.check_interval = std::chrono::milliseconds(static_cast<long>(refresh * 1000));
  if (auto key = common::env_or("ONET_API_KEY", ""); !key.empty()) {
    gap::OnetWsOptions w;
    w.base_url = onet_base;
    w.api_key = key;
    cfg.onet_api = w;
  }

  // The I/O pool must be sized before anything of cpprest exists.
  api::init_http_threads(threads);

  try {
    const auto t0 = std::chrono::steady_clock::now();
    // The process owns oneTBB's parallelism, once, sized for the request subgraph.
    dag::Parallelism parallelism(api::App::engine_threads(cfg));
    // The per-request lines go through a buffer of their own (api/access_log.hpp).
    api::AccessLog access_log("skillgap-api", logger->level());
    api::App app(cfg, access_log.logger(), [&access_log] { return access_log.dropped(); });
    app.start();
    api::HttpServer server(
        server_opts, [&app](const api::Request& req, api::HttpServer::Responder respond) { app.serve(req, std::move(respond)); });
    server.start();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    auto st = app.cache().status();
    spdlog::info("listening on {} ({} I/O threads, database {}, {} occupations, O*NET {}, fallback {}) after {:.3f} s",
                 server.base_url(), threads, app.cache().repository().url().redacted, st.profiles,
                 st.version.release.empty() ? "?" : st.version.release, cfg.onet_api ? "on" : "off", secs);

    int sig = 0;
    sigwait(&stop_signals, &sig);
    spdlog::info("{} received: finishing in-flight requests", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    server.stop();
    app.stop();
    spdlog::info("stopped");
  } catch (const dag::PipelineError& e) {
    spdlog::error("{}", e.diagnostics().str());
    spdlog::shutdown();
    return 1;
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    spdlog::shutdown();
    return 1;
  }
  spdlog::shutdown();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return common::guarded_main("skillgap-api", 1, [&] { return run(argc, argv); });
}
