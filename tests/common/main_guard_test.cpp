// common::guarded_main: the last catch of the programs' main().
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include "common/main_guard.hpp"

namespace {

// What `fn` writes to stderr, read back through a pipe (the guard writes with fprintf).
template <class F>
std::string stderr_of(F&& fn) {
  std::fflush(stderr);
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const int saved = ::dup(2);
  ::dup2(fds[1], 2);
  fn();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  ::close(fds[1]);
  std::string out;
  char buf[256];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  return out;
}

}  // namespace

TEST_CASE("guarded_main passes the body's status through and writes nothing", "[common]") {
  int status = -1;
  const auto err = stderr_of([&] { status = common::guarded_main("prog", 9, [] { return 3; }); });
  CHECK(status == 3);
  CHECK(err.empty());
}

TEST_CASE("guarded_main turns an escaped exception into a message and the chosen status", "[common]") {
  int status = -1;
  auto err =
      stderr_of([&] { status = common::guarded_main("prog", 9, []() -> int { throw std::runtime_error("disk on fire"); }); });
  CHECK(status == 9);
  CHECK(err == "prog: unexpected error: disk on fire\n");

  err = stderr_of([&] { status = common::guarded_main("dagrun", 1, []() -> int { throw 42; }); });
  CHECK(status == 1);
  CHECK(err == "dagrun: unexpected error (not a std::exception)\n");
}
