#pragma once
// A recording of model answers: JSON Lines, one answer per line,
//   {"key": "<request hash>", "provider": "gemini", "model": "...", "status": 200, "body": "..."}
// where body is the response body as the provider sent it. Keyed by the provider-neutral
// request hash (prompt version + prompt text + schema), so a run replays without network and
// without a key. Recording appends (the file may hold several runs); on replay the last line
// for a key wins, which is the answer a recorded run finally accepted when it retried.
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace llm {

struct CassetteEntry {
  std::string key, provider, model;
  int status = 200;
  std::string body;
};

class Cassette {
 public:
  enum class Mode { Read, Append };
  // Read: loads the file (std::runtime_error naming path:line when it is unreadable or a line is
  // not a valid entry). Append: creates the file (and its folder) when missing.
  Cassette(std::string path, Mode mode);

  std::optional<CassetteEntry> find(const std::string& key) const;
  void append(const CassetteEntry& e);  // thread-safe; each line is flushed as written
  std::size_t size() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  mutable std::mutex mu_;
  std::map<std::string, CassetteEntry> entries_;
  std::ofstream out_;
};

}  // namespace llm
