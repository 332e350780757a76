// The access log's buffer (api/access_log.hpp): lines reach the file when 64 KiB have gathered,
// at a warning, every flush interval, and at destruction — and not one is lost.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "api/access_log.hpp"
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

}  // namespace

TEST_CASE("access log: buffered until a warning, the 64 KiB mark or the end; nothing lost", "[api][access_log]") {
  LogFile f;
  REQUIRE(f.fd >= 0);
  int n = 0;
  {
    api::AccessLog log("skillgap-api", spdlog::level::info, f.fd, std::chrono::hours(1));  // no periodic flush here
    for (int i = 0; i < 3; ++i) log.logger()->info("GET /skill-gap 200 0.{} ms", i);
    CHECK(f.text().empty());  // still in the buffer: no write(2) per line
    log.logger()->warn("slow answer");
    CHECK(lines(f.text()) == 4);  // a warning takes the buffered lines with it, in order
    CHECK(f.text().find("[skillgap-api] [info] GET /skill-gap 200 0.0 ms\n") != std::string::npos);
    CHECK(f.text().find("[warning] slow answer\n") != std::string::npos);

    const std::string path(200, 'p');
    while (f.text().size() <= 4 * 100) log.logger()->info("GET /{} 200 {} ms", path, ++n);  // the 64 KiB mark writes
    CHECK(f.text().size() >= 64 * 1024);
    log.logger()->debug("below the level");
    log.logger()->info("last line");
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
  // No upper bound on the time (a busy machine); the line arrives without another line or a stop.
  for (int i = 0; i < 1000 && f.text().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(lines(f.text()) == 1);
}
