#pragma once
// O*NET Web Services v2 as a RemoteProfileSource: occupation title/description and its Skills
// rows (IM and LV) for one O*NET-SOC code.
//
//   GET {base}/online/occupations/{code}/                                -> {code, title, description, ...}
//   GET {base}/database/rows/skills?filter=onetsoc_code.eq.{code}&start=1&end=N
//       -> {start, end, total, next?, row: [{onetsoc_code, element_id, element_name, scale_id,
//           data_value, n, standard_error, lower_ci_bound, upper_ci_bound, recommend_suppress,
//           not_relevant, date_updated, domain_source}, ...]}
// Paging follows `next` (a URL; v1's `link: [{rel: "next", href}]` is accepted too), only while
// it stays under the configured base URL so the key is never sent elsewhere. Column names are
// those of O*NET's database tables (the ones v1's Data rows service used); numbers may arrive
// as JSON numbers or strings.
//
// Header X-API-Key; timeout per HTTP call; 429 and 5xx (and transport errors) are retried a
// bounded number of times with exponential backoff (Retry-After honoured up to the cap);
// 404 and 422 mean "no such occupation". The key never appears in a message or log line.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "nodes/gap/profile_cache.hpp"

namespace spdlog {
class logger;
}

namespace gap {

struct OnetWsOptions {
  std::string base_url = "https://api-v2.onetcenter.org";
  std::string api_key;
  std::chrono::milliseconds timeout{5000};  // per HTTP call
  int max_attempts = 3;                     // per HTTP call, including the first
  std::chrono::milliseconds backoff{250};   // first retry delay, doubled after each
  std::chrono::milliseconds max_backoff{4000};
  int page_size = 200;  // rows asked for per page (start/end)
  int max_pages = 50;   // guards against a `next` loop
};

class OnetWsClient final : public RemoteProfileSource {
 public:
  explicit OnetWsClient(OnetWsOptions opts, std::shared_ptr<spdlog::logger> log = nullptr);
  std::optional<FetchedOccupation> fetch(const std::string& code) override;

  struct HttpResult {
    long status = 0;
    std::string body;
    std::string retry_after;
  };
  // One GET with the retry policy; throws RemoteUnavailable. `what` names the call in messages.
  HttpResult get(const std::string& url, const std::string& what);

 private:
  OnetWsOptions opts_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace gap
