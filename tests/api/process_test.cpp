// The skillgap-api executable itself: start-up, readiness, SIGTERM/SIGINT with requests in
// flight (finish them, exit 0), command-line errors.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "api_test_support.hpp"
#include "support/test_support.hpp"

namespace {

using testing_support::free_port;

using Child = testing_support::ChildProcess;

bool wait_ready(int port, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      if (apitest::get(port, "/readyz").status == 200) return true;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

const std::string kBin = SKILLGAP_API_BIN;

}  // namespace

TEST_CASE("executable: serves, then SIGTERM finishes in-flight requests and exits 0", "[api][process]") {
  testing_support::TempDir dir("apiproc");
  const int port = free_port();
  const std::string db = apitest::mini_db_url();
  Child c({kBin, "--listen", "127.0.0.1:" + std::to_string(port), "--db", db, "--threads", "4", "--pipeline",
           testing_support::repo_path("pipelines/skill_gap.yaml")},
          dir / "server.log");
  REQUIRE(wait_ready(port, std::chrono::seconds(20)));
  auto r = apitest::get(port, "/skill-gap?from=15-9901&to=11-9901");
  CHECK(r.status == 200);

  for (int sig : {SIGTERM}) {
    std::vector<apitest::PendingRequest> inflight;
    for (int i = 0; i < 40; ++i) inflight.emplace_back(port, "/skill-gap?from=15-9901.00&to=11-9901.00");
    c.signal(sig);
    int complete = 0;
    for (auto& p : inflight) {
      auto rr = p.read();
      if (rr.status == 200 || (rr.status == 503 && rr.json()["error"] == "shutting_down")) ++complete;
    }
    CHECK(complete == 40);
  }
  CHECK(c.wait() == 0);
  const auto log = testing_support::read_file(dir / "server.log");
  CHECK(log.find("SIGTERM received") != std::string::npos);
  CHECK(log.find("GET /skill-gap 200") != std::string::npos);  // the access log line
  CHECK(log.find("stopped") != std::string::npos);
  CHECK_THROWS(apitest::get(port, "/healthz"));  // the port is closed
}

TEST_CASE("executable: SIGINT exits 0, and DATABASE_URL is read when --db is absent", "[api][process]") {
  testing_support::TempDir dir("apiproc");
  const int port = free_port();
  Child c({kBin, "--listen", "127.0.0.1:" + std::to_string(port)}, dir / "server.log",
          {"DATABASE_URL=" + apitest::mini_db_url()});
  REQUIRE(wait_ready(port, std::chrono::seconds(20)));  // default pipeline: relative to the repo root (cwd)
  CHECK(apitest::get(port, "/occupations?q=moon").json()["result"]["count"] == 1);
  c.signal(SIGINT);
  CHECK(c.wait() == 0);
}

TEST_CASE("executable: bad command lines fail with a message", "[api][process]") {
  testing_support::TempDir dir("apiproc");
  {
    Child c({kBin, "--listen", "nonsense"}, dir / "a.log");
    CHECK(c.wait() == 2);
    CHECK(testing_support::read_file(dir / "a.log").find("--listen") != std::string::npos);
  }
  {
    Child c({kBin, "--listen", "127.0.0.1:" + std::to_string(free_port()), "--db", apitest::mini_db_url(), "--pipeline",
             (dir / "missing.yaml").string()},
            dir / "b.log");
    CHECK(c.wait() == 1);
    CHECK(testing_support::read_file(dir / "b.log").find("missing.yaml") != std::string::npos);
  }
  {
    Child c({kBin, "--threads", "0"}, dir / "c.log");
    CHECK(c.wait() != 0);
  }
  {
    Child c({kBin, "--db", "postgres://x"}, dir / "d.log");
    CHECK(c.wait() == 1);
  }
}
