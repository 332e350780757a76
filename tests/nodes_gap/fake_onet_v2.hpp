#pragma once
// A fake O*NET Web Services v2 on 127.0.0.1 (cpprestsdk listener on an ephemeral port) with
// the two resources the fallback uses:
//   GET /online/occupations/{code}/                         -> {code, title, description}
//   GET /database/rows/skills?filter=onetsoc_code.eq.{code}&start=S&end=E
//       -> {start, end, total, next?, row: [...]}, at most page_limit rows per page
// It checks X-API-Key (403 otherwise), can fail a path with queued statuses first (429/5xx to
// exercise retries), can answer slowly, and counts what it was asked.
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gaptest {

class FakeOnetV2 {
 public:
  explicit FakeOnetV2(std::string api_key = "test-key-123");
  ~FakeOnetV2();
  FakeOnetV2(const FakeOnetV2&) = delete;
  FakeOnetV2& operator=(const FakeOnetV2&) = delete;

  std::string base_url() const;

  // Adds an occupation with skills rows: {element_id, element_name, LV, IM, not_relevant}.
  struct Skill {
    std::string id, name;
    double level, importance;
    std::string not_relevant = "N";
  };
  void add(const std::string& code, const std::string& title, const std::vector<Skill>& skills);
  void page_limit(int n);                                                     // rows per page the server gives at most
  void fail_first(const std::string& path_prefix, std::deque<int> statuses);  // then answer normally
  void delay(std::chrono::milliseconds d);  // before every answer; setting 0 releases the answers held
  void next_base(const std::string& base);  // where `next` links point (default: own)

  int hits(const std::string& path_prefix) const;  // requests whose path starts with it
  std::vector<std::string> keys_seen() const;      // X-API-Key values received

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gaptest
