// The transport's floor for one response size (issue 10 §8): a bare cpprestsdk listener that
// answers every GET with the same bytes, read once from a file, handed to cpprestsdk as
// skillgap-api's send() hands a body (http_response::set_body with a string and a content type;
// the floor copies its one body per answer where skillgap-api moves the answer it just wrote,
// one 16 KB memcpy in skillgap-api's favour). No routing, no snapshot, no log line: what
// skillgap-api costs above it is ours.
//
//   bench_floor_server --listen 127.0.0.1:PORT --body FILE [--threads N]
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>
#include <cpprest/http_listener.h>
#include <pplx/threadpool.h>

#include <csignal>

int main(int argc, char** argv) {
  CLI::App cli{"bench_floor_server: answers every GET with one fixed body"};
  std::string listen, body_path;
  std::size_t threads = std::max(2u, std::thread::hardware_concurrency());
  cli.add_option("--listen", listen, "host:port")->required();
  cli.add_option("--body", body_path, "the file whose bytes every answer carries")->required()->check(CLI::ExistingFile);
  cli.add_option("--threads", threads, "I/O threads, as skillgap-api --threads")->check(CLI::Range(1, 1024));
  CLI11_PARSE(cli, argc, argv);

  std::ifstream in(body_path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string body = ss.str();

  crossplat::threadpool::initialize_with_threads(threads);
  web::http::experimental::listener::http_listener listener("http://" + listen);
  listener.support(web::http::methods::GET, [&body](web::http::http_request req) {
    web::http::http_response out(web::http::status_codes::OK);
    out.set_body(body, "application/json");
    req.reply(out);
  });
  listener.open().wait();
  std::cerr << "bench_floor_server: listening on " << listen << ", " << body.size() << " bytes per answer\n";

  // Until SIGTERM or SIGINT.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  int sig = 0;
  sigwait(&set, &sig);
  listener.close().wait();
  return 0;
}
