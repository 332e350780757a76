#pragma once
// The access log: one line per request, gathered in memory and written to a file descriptor
// (stderr) by a writer thread of its own when 64 KiB have gathered, at a warning, every flush
// interval and at destruction — as nginx's `access_log ... buffer=64k flush=1s` does. Why: a line
// written and flushed per request (an unbuffered stderr sink behind spdlog's async queue: one
// write(2) and one thread wake-up per request) cost ~40 us of CPU a request on the bench
// machine, a fifth of a /skill-gap answer. A request thread only appends under a mutex and never
// writes: when the descriptor blocks (a terminal or pipe nobody reads) and 1 MiB is waiting,
// further lines are dropped and counted, as the async queue's overrun_oldest did, so a slow
// terminal never slows a request. The other log lines keep the process's async logger.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <spdlog/logger.h>

namespace api {

class BufferedFdSink;

class AccessLog {
 public:
  // `name` and `level` as the process's other logger; `fd` is not closed.
  AccessLog(std::string name, spdlog::level::level_enum level, int fd = 2,
            std::chrono::milliseconds flush_interval = std::chrono::milliseconds(500));
  ~AccessLog();  // stops the writer after it wrote what is gathered
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  const std::shared_ptr<spdlog::logger>& logger() const { return logger_; }
  std::uint64_t dropped() const;  // lines dropped while the descriptor did not take them

 private:
  std::shared_ptr<BufferedFdSink> sink_;
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace api
