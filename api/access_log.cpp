#include "api/access_log.hpp"

#include <unistd.h>

#include <cerrno>

#include <spdlog/sinks/base_sink.h>

namespace api {

namespace {

// Formats into a buffer under base_sink's mutex; write(2) only when the buffer is full or on
// flush(). A failed write drops the buffered lines (a log must never stop the server).
class BufferedFdSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit BufferedFdSink(int fd) : fd_(fd) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    formatter_->format(msg, buf_);
    if (buf_.size() >= kCapacity) flush_();
  }
  void flush_() override {
    const char* p = buf_.data();
    std::size_t left = buf_.size();
    while (left > 0) {
      const ssize_t n = ::write(fd_, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    buf_.clear();
  }

 private:
  static constexpr std::size_t kCapacity = std::size_t{64} * 1024;
  int fd_;
  spdlog::memory_buf_t buf_;
};

}  // namespace

AccessLog::AccessLog(std::string name, spdlog::level::level_enum level, int fd, std::chrono::milliseconds flush_interval)
    : logger_(std::make_shared<spdlog::logger>(std::move(name), std::make_shared<BufferedFdSink>(fd))) {
  logger_->set_level(level);
  logger_->flush_on(spdlog::level::warn);
  flusher_ = std::thread([this, flush_interval] {
    std::unique_lock lock(mu_);
    while (!wake_.wait_for(lock, flush_interval, [this] { return stop_; })) logger_->flush();
  });
}

AccessLog::~AccessLog() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  flusher_.join();
  logger_->flush();
}

}  // namespace api
