#pragma once
// The access log: one line per request, buffered in memory and written to a file descriptor
// (stderr) when 64 KiB have gathered, every flush interval, and at destruction — as nginx's
// `access_log ... buffer=64k flush=1s` does. Why: a line written and flushed per request (an
// unbuffered stderr sink behind spdlog's async queue: one write(2) and one thread wake-up per
// request) cost ~40 us of CPU a request on the bench machine, a fifth of a /skill-gap answer.
// The other log lines (start-up, warnings, errors) keep their own unbuffered logger.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <spdlog/logger.h>

namespace api {

class AccessLog {
 public:
  // `name` and `level` as the process's other logger; `fd` is not closed.
  AccessLog(std::string name, spdlog::level::level_enum level, int fd = 2,
            std::chrono::milliseconds flush_interval = std::chrono::milliseconds(500));
  ~AccessLog();  // stops the flusher, writes what is buffered
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  const std::shared_ptr<spdlog::logger>& logger() const { return logger_; }

 private:
  std::shared_ptr<spdlog::logger> logger_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread flusher_;
};

}  // namespace api
