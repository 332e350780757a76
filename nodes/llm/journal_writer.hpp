#pragma once
// Writes finished occupations to the journal from one background thread, so that workers never
// wait on the database: whatever has queued up while the previous transaction ran is written
// in the next one (group commit). flush() waits until everything queued is committed.
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "nodes/llm/journal.hpp"

namespace llm {

class JournalWriter {
 public:
  explicit JournalWriter(Journal& j);
  ~JournalWriter();  // flushes (errors are dropped here; call flush() to see them)
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  void add(std::vector<JournalRow> rows);
  // Waits until everything added so far is committed; rethrows the first write error.
  void flush();
  bool failed() const;

 private:
  void loop();
  Journal& j_;
  mutable std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  std::vector<JournalRow> pending_;
  bool busy_ = false, stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace llm
