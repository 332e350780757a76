#pragma once
// The outermost frame of a program: main() hands its body to guarded_main, so that an exception
// nothing else caught (an allocation failure, a logger that cannot start) ends the process with
// its message on stderr and a status of the program's choosing, instead of std::terminate's
// abort and core dump. Each program still catches what it expects, with its own exit codes.
#include <cstdio>
#include <exception>

namespace common {

template <class Body>
int guarded_main(const char* program, int status_on_escape, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: unexpected error: %s\n", program, e.what());
  } catch (...) {
    std::fprintf(stderr, "%s: unexpected error (not a std::exception)\n", program);
  }
  return status_on_escape;
}

}  // namespace common
