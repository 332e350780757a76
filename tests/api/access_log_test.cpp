// The access log's buffer (api/access_log.hpp): lines reach the file when 64 KiB have gathered,
// at a warning, every flush interval, and at destruction, written by the log's own thread, and
// not one is lost; a descriptor that takes nothing never blocks the thread that logs.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "api/access_log.hpp"
#include "api/metrics.hpp"
#include "support/test_support.hpp"

namespace {

struct LogFile {
  testing_support::TempDir dir{"accesslog"};
  std::string path = (dir / "access.log").string();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ~LogFile() { ::close(fd); }
  std::string text() const { return testing_support::read_file(path); }
};

std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

// The writer is a thread of its own: waits (no bound on a busy machine's time) until the file's
// text satisfies `done` (a write may be seen half done), and returns it.
template <class Pred>
std::string await_text(const LogFile& f, Pred done) {
  for (int i = 0; i < 2000 && !done(f.text()); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return f.text();
}
std::string await_lines(const LogFile& f, std::size_t n) {
  return await_text(f, [n](const std::string& t) { return lines(t) >= n; });
}

}  // namespace

TEST_CASE("access log: buffered until a warning, the 64 KiB mark or the end; nothing lost", "[api][access_log]") {
  LogFile f;
  REQUIRE(f.fd >= 0);
  int n = 0;
  {
    api::AccessLog log("skillgap-api", spdlog::level::info, f.fd, std::chrono::hours(1));  // no periodic flush here
    for (int i = 0; i < 3; ++i) log.logger()->info("GET /skill-gap 200 0.{} ms", i);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(f.text().empty());  // still in the buffer: no write(2) per line
    log.logger()->warn("slow answer");
    const auto first = await_lines(f, 4);
    CHECK(lines(first) == 4);  // a warning takes the buffered lines with it, in order
    CHECK(first.find("[skillgap-api] [info] GET /skill-gap 200 0.0 ms\n") != std::string::npos);
    CHECK(first.find("[warning] slow answer\n") < first.size());
    CHECK(first.find("0.2 ms\n") < first.find("slow answer"));

    const std::string path(200, 'p');
    while (n < 400) log.logger()->info("GET /{} 200 {} ms", path, ++n);  // 400 lines of ~270 B: past the 64 KiB mark
    // Written without a flush once 64 KiB have gathered.
    CHECK(await_text(f, [](const std::string& t) { return t.size() >= 64 * 1024; }).size() >= 64 * 1024);
    log.logger()->debug("below the level");
    log.logger()->info("last line");
    CHECK(log.dropped() == 0);
  }
  const auto all = f.text();
  CHECK(all.find("below the level") == std::string::npos);
  CHECK(all.substr(all.size() - 10) == "last line\n");  // written at destruction
  CHECK(lines(all) == 4 + static_cast<std::size_t>(n) + 1);
}

TEST_CASE("access log: the flush interval writes a quiet server's lines", "[api][access_log]") {
  LogFile f;
  REQUIRE(f.fd >= 0);
  api::AccessLog log("skillgap-api", spdlog::level::info, f.fd, std::chrono::milliseconds(20));
  log.logger()->info("GET /healthz 200 0.010 ms");
  // The line arrives without another line, a warning or a stop.
  CHECK(lines(await_lines(f, 1)) == 1);
}

TEST_CASE("access log: a descriptor that takes nothing drops lines instead of blocking the logger", "[api][access_log]") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);  // nobody reads: once the pipe is full, the writer's write(2) blocks
  std::uint64_t dropped = 0;
  std::thread reader;
  {
    api::AccessLog log("skillgap-api", spdlog::level::info, fds[1], std::chrono::milliseconds(1));
    const std::string path(1000, 'q');
    // 4 MB of lines: far more than the pipe (64 KiB) and the 1 MiB the log keeps. This thread
    // must come back (a blocking log would hang it until ctest's timeout).
    for (int i = 0; i < 4000; ++i) log.logger()->info("GET /{} 200 1.0 ms", path);
    dropped = log.dropped();
    CHECK(dropped > 0);
    // /metrics says so (the server wires its Metrics to this count the same way, api/main.cpp).
    const api::Metrics metrics([&log] { return log.dropped(); });
    const auto text = metrics.render(gap::CacheStatus{});
    CHECK(text.find("\nskillgap_access_log_dropped_lines_total " + std::to_string(log.dropped()) + "\n") != std::string::npos);
    reader = std::thread([rfd = fds[0]] {  // unblocks the writer so the log can end; EOF once closed
      char buf[65536];
      while (::read(rfd, buf, sizeof buf) > 0) {
      }
    });
  }
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  CHECK(dropped < 4000);  // what fitted was kept
}
