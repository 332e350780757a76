#include "nodes/gap/onet_ws_client.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <charconv>
#include <mutex>
#include <thread>

#include <curl/curl.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace gap {

namespace {

constexpr std::size_t kMaxBody = std::size_t{16} * 1024 * 1024;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Body {
  std::string data;
  std::string retry_after;
};

size_t on_body(char* ptr, size_t size, size_t n, void* user) {
  auto* b = static_cast<Body*>(user);
  if (b->data.size() + size * n > kMaxBody) return 0;  // aborts the transfer
  b->data.append(ptr, size * n);
  return size * n;
}

size_t on_header(char* ptr, size_t size, size_t n, void* user) {
  std::string_view line(ptr, size * n);
  constexpr std::string_view name = "retry-after:";
  if (line.size() > name.size()) {
    const std::string lower = common::ascii_lower(line.substr(0, name.size()));
    if (lower == name) {
      auto v = line.substr(name.size());
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.remove_suffix(1);
      static_cast<Body*>(user)->retry_after = std::string(v);
    }
  }
  return size * n;
}

struct CurlHandle {
  CURL* h = curl_easy_init();
  curl_slist* headers = nullptr;
  ~CurlHandle() {
    if (headers) curl_slist_free_all(headers);
    if (h) curl_easy_cleanup(h);
  }
};

bool retryable(long status) { return status == 429 || (status >= 500 && status <= 599); }

std::optional<double> number(const nlohmann::json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size()) return v;
  }
  return std::nullopt;
}

std::optional<char> flag(const nlohmann::json& j) {
  if (j.is_string() && j.get_ref<const std::string&>().size() == 1) {
    char c = j.get_ref<const std::string&>()[0];
    if (c == 'Y' || c == 'N') return c;
  }
  if (j.is_boolean()) return j.get<bool>() ? 'Y' : 'N';
  return std::nullopt;
}

std::string text(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

const nlohmann::json& field(const nlohmann::json& obj, const char* key) {
  static const nlohmann::json null_value;
  auto it = obj.find(key);
  return it == obj.end() ? null_value : *it;
}

std::string next_link(const nlohmann::json& page) {
  if (auto it = page.find("next"); it != page.end() && it->is_string()) return it->get<std::string>();
  if (auto it = page.find("link"); it != page.end() && it->is_array()) {
    for (const auto& l : *it)
      if (l.is_object() && text(l, "rel") == "next") return text(l, "href");
  }
  return {};
}

std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

OnetWsClient::OnetWsClient(OnetWsOptions opts, std::shared_ptr<spdlog::logger> log)
    : opts_(std::move(opts)), log_(log ? std::move(log) : spdlog::default_logger()) {
  opts_.base_url = trim_slash(opts_.base_url);
  if (opts_.max_attempts < 1) opts_.max_attempts = 1;
  global_init();
}

OnetWsClient::HttpResult OnetWsClient::get(const std::string& url, const std::string& what) {
  std::string last_problem;
  auto delay = opts_.backoff;
  for (int attempt = 1; attempt <= opts_.max_attempts; ++attempt) {
    CurlHandle c;
    if (!c.h) throw RemoteUnavailable("O*NET Web Services: cannot create an HTTP handle");
    Body body;
    const std::string key_header = "X-API-Key: " + opts_.api_key;
    c.headers = curl_slist_append(c.headers, key_header.c_str());
    c.headers = curl_slist_append(c.headers, "Accept: application/json");
    c.headers = curl_slist_append(c.headers, "User-Agent: skillgap-api/0.1");
    curl_easy_setopt(c.h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c.h, CURLOPT_HTTPHEADER, c.headers);
    curl_easy_setopt(c.h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c.h, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c.h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c.h, CURLOPT_HEADERDATA, &body);
    curl_easy_setopt(c.h, CURLOPT_TIMEOUT_MS, static_cast<long>(opts_.timeout.count()));
    curl_easy_setopt(c.h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opts_.timeout.count()));
    curl_easy_setopt(c.h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c.h, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect must not carry the key away
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c.h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(c.h, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
    CURLcode rc = curl_easy_perform(c.h);
    long status = 0;
    if (rc == CURLE_OK) {
      curl_easy_getinfo(c.h, CURLINFO_RESPONSE_CODE, &status);
      if (!retryable(status)) return {status, std::move(body.data), std::move(body.retry_after)};
      last_problem = "HTTP " + std::to_string(status);
    } else {
      last_problem = curl_easy_strerror(rc);
    }
    if (attempt == opts_.max_attempts) break;
    auto wait = delay;
    if (!body.retry_after.empty()) {
      int secs = 0;
      auto [p, ec] = std::from_chars(body.retry_after.data(), body.retry_after.data() + body.retry_after.size(), secs);
      if (ec == std::errc() && secs >= 0) wait = std::chrono::milliseconds(secs * 1000);
    }
    wait = std::min(wait, opts_.max_backoff);
    log_->warn("O*NET Web Services: {} failed ({}), retry {}/{} in {} ms", what, last_problem, attempt, opts_.max_attempts - 1,
               wait.count());
    std::this_thread::sleep_for(wait);
    delay = std::min(delay * 2, opts_.max_backoff);
  }
  throw RemoteUnavailable("O*NET Web Services: " + what + " failed after " + std::to_string(opts_.max_attempts) +
                          " attempt(s): " + last_problem);
}

std::optional<FetchedOccupation> OnetWsClient::fetch(const std::string& code) {
  auto parse = [&](const std::string& body, const std::string& what) {
    try {
      return nlohmann::json::parse(body);
    } catch (const nlohmann::json::exception&) {
      throw RemoteUnavailable("O*NET Web Services: " + what + ": the answer is not JSON");
    }
  };
  auto refuse = [&](long status, const std::string& what) {
    if (status == 401 || status == 403)
      return RemoteUnavailable("O*NET Web Services: " + what + ": the API key was refused (HTTP " + std::to_string(status) + ")");
    return RemoteUnavailable("O*NET Web Services: " + what + ": unexpected HTTP " + std::to_string(status));
  };

  const std::string occ_what = "GET /online/occupations/" + code + "/";
  auto occ = get(opts_.base_url + "/online/occupations/" + code + "/", occ_what);
  if (occ.status == 404 || occ.status == 422) return std::nullopt;
  if (occ.status != 200) throw refuse(occ.status, occ_what);
  auto oj = parse(occ.body, occ_what);
  if (!oj.is_object()) throw RemoteUnavailable("O*NET Web Services: " + occ_what + ": expected a JSON object");
  FetchedOccupation out;
  out.code = code;
  out.title = text(oj, "title");
  out.description = text(oj, "description");
  if (out.title.empty()) throw RemoteUnavailable("O*NET Web Services: " + occ_what + ": the answer has no title");

  std::string url =
      opts_.base_url + "/database/rows/skills?filter=onetsoc_code.eq." + code + "&start=1&end=" + std::to_string(opts_.page_size);
  for (int page = 1; !url.empty(); ++page) {
    if (page > opts_.max_pages)
      throw RemoteUnavailable("O*NET Web Services: skills rows of " + code + ": more than " + std::to_string(opts_.max_pages) +
                              " pages");
    const std::string what = "GET /database/rows/skills (" + code + ", page " + std::to_string(page) + ")";
    auto res = get(url, what);
    if (res.status == 404 || res.status == 422) break;  // no rows for this code
    if (res.status != 200) throw refuse(res.status, what);
    auto pj = parse(res.body, what);
    if (!pj.is_object()) throw RemoteUnavailable("O*NET Web Services: " + what + ": expected a JSON object");
    const auto& rows = field(pj, "row");
    if (!rows.is_null() && !rows.is_array()) throw RemoteUnavailable("O*NET Web Services: " + what + ": 'row' is not a list");
    if (rows.is_array()) {
      for (const auto& r : rows) {
        if (!r.is_object() || text(r, "onetsoc_code") != code) continue;
        FetchedRating fr;
        fr.element_id = text(r, "element_id");
        fr.element_name = text(r, "element_name");
        fr.scale_id = text(r, "scale_id");
        if (fr.element_id.empty() || (fr.scale_id != "IM" && fr.scale_id != "LV")) continue;
        fr.data_value = number(field(r, "data_value"));
        if (!fr.data_value) continue;
        if (auto n = number(field(r, "n"))) fr.n = static_cast<std::int64_t>(*n);
        fr.standard_error = number(field(r, "standard_error"));
        fr.lower_ci = number(field(r, "lower_ci_bound"));
        fr.upper_ci = number(field(r, "upper_ci_bound"));
        fr.recommend_suppress = flag(field(r, "recommend_suppress"));
        fr.not_relevant = flag(field(r, "not_relevant"));
        fr.date_updated = text(r, "date_updated");
        fr.domain_source = text(r, "domain_source");
        out.ratings.push_back(std::move(fr));
      }
    }
    std::string next = next_link(pj);
    if (next.starts_with("/")) next = opts_.base_url + next;
    if (!next.empty() && !next.starts_with(opts_.base_url + "/")) {
      log_->warn("O*NET Web Services: not following a 'next' link outside the configured base URL");
      next.clear();
    }
    url = next;
  }
  return out;
}

}  // namespace gap
