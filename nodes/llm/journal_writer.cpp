#include "nodes/llm/journal_writer.hpp"

namespace llm {

JournalWriter::JournalWriter(Journal& j) : j_(j), thread_([this] { loop(); }) {}

JournalWriter::~JournalWriter() {
  try {
    flush();
  } catch (...) {
  }
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void JournalWriter::add(std::vector<JournalRow> rows) {
  {
    std::lock_guard lock(mu_);
    if (error_) return;  // reported by flush()
    for (auto& r : rows) pending_.push_back(std::move(r));
  }
  cv_.notify_all();
}

void JournalWriter::flush() {
  std::unique_lock lock(mu_);
  done_cv_.wait(lock, [&] { return (pending_.empty() && !busy_) || error_; });
  if (error_) std::rethrow_exception(error_);
}

bool JournalWriter::failed() const {
  std::lock_guard lock(mu_);
  return error_ != nullptr;
}

void JournalWriter::loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || !pending_.empty(); });
    if (pending_.empty() && stop_) return;
    std::vector<JournalRow> batch;
    batch.swap(pending_);
    busy_ = true;
    lock.unlock();
    std::exception_ptr err;
    try {
      j_.write(batch);
    } catch (...) {
      err = std::current_exception();
    }
    lock.lock();
    busy_ = false;
    if (err && !error_) {
      error_ = err;
      pending_.clear();
    }
    done_cv_.notify_all();
  }
}

}  // namespace llm
