#include "api/access_log.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace api {

// Request threads format into `buf_` under base_sink's mutex; only the writer thread calls
// write(2), on a buffer it swapped out, outside that mutex.
class BufferedFdSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  BufferedFdSink(int fd, std::chrono::milliseconds interval) : fd_(fd) {
    writer_ = std::thread([this, interval] { run(interval); });
  }
  ~BufferedFdSink() override { stop(); }

  // Writes what is gathered, then ends the writer. Idempotent.
  void stop() {
    {
      std::lock_guard lock(wake_mu_);
      if (stop_) return;
      stop_ = true;
    }
    wake_.notify_one();
    writer_.join();
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

  void request_write() {
    {
      std::lock_guard lock(wake_mu_);
      due_ = true;
    }
    wake_.notify_one();
  }

  void run(std::chrono::milliseconds interval) {
    for (bool last = false; !last;) {
      {
        std::unique_lock lock(wake_mu_);
        wake_.wait_for(lock, interval, [this] { return due_ || stop_; });
        due_ = false;
        last = stop_;
      }
      write_out();
    }
  }

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
  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool due_ = false;
  bool stop_ = false;
  std::thread writer_;  // last: started once everything it uses exists
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
