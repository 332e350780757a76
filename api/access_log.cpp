#include "api/access_log.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <mutex>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "common/periodic.hpp"

namespace api {

// Request threads format into `buf_` under base_sink's mutex; only the writer thread calls
// write(2) (and stop(), once that thread has ended), on a buffer it swapped out, outside that
// mutex.
class BufferedFdSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  BufferedFdSink(int fd, std::chrono::milliseconds interval)
      : fd_(fd), writer_(interval, [this] {
          write_out();
          return true;
        }) {}
  ~BufferedFdSink() override { stop(); }

  // Ends the writer, then writes what is gathered. Idempotent.
  void stop() {
    writer_.stop();
    write_out();  // the writer thread is gone: this thread is the only writer now
  }
  std::uint64_t dropped() const { return dropped_.load(); }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (buf_.size() >= kLimit) {  // the writer is stuck on the descriptor: drop, never wait
      dropped_.fetch_add(1);
      return;
    }
    formatter_->format(msg, buf_);
    if (buf_.size() >= kCapacity) request_write();
  }
  void flush_() override { request_write(); }  // flush_on(warn), and AccessLog's end

 private:
  static constexpr std::size_t kCapacity = std::size_t{64} * 1024;
  static constexpr std::size_t kLimit = std::size_t{1024} * 1024;

  void request_write() { writer_.wake(); }

  void write_out() {
    spdlog::memory_buf_t out;
    {
      std::lock_guard lock(mutex_);
      std::swap(out, buf_);
    }
    const char* p = out.data();
    std::size_t left = out.size();
    while (left > 0) {
      const ssize_t n = ::write(fd_, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // a log must never stop the server: these lines are lost
      p += n;
      left -= static_cast<std::size_t>(n);
    }
  }

  int fd_;
  spdlog::memory_buf_t buf_;
  std::atomic<std::uint64_t> dropped_{0};
  common::Periodic writer_;  // last: started once everything it uses exists
};

AccessLog::AccessLog(std::string name, spdlog::level::level_enum level, int fd, std::chrono::milliseconds flush_interval)
    : sink_(std::make_shared<BufferedFdSink>(fd, flush_interval)),
      logger_(std::make_shared<spdlog::logger>(std::move(name), sink_)) {
  logger_->set_level(level);
  logger_->flush_on(spdlog::level::warn);
}

AccessLog::~AccessLog() {
  sink_->stop();
  // Said once, on the process's other logger: the lost lines are not silent.
  if (const auto n = sink_->dropped()) spdlog::warn("access log: {} line(s) dropped while the descriptor took nothing", n);
}

std::uint64_t AccessLog::dropped() const { return sink_->dropped(); }

}  // namespace api
