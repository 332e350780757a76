#include "nodes/llm/retry_policy.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <string>

namespace llm {

std::chrono::milliseconds RetryPolicy::wait(int retry, double u, std::optional<double> retry_after_s) const {
  const double cap = static_cast<double>(max_backoff.count());
  const double exp = std::min(cap, static_cast<double>(base.count()) * std::pow(2.0, std::clamp(retry, 0, 30)));
  double ms = exp * (0.5 + 0.5 * std::clamp(u, 0.0, 1.0));
  if (retry_after_s && *retry_after_s > 0) ms = std::max(ms, std::min(cap, *retry_after_s * 1000.0));
  return std::chrono::milliseconds(static_cast<long long>(std::llround(ms)));
}

std::optional<double> parse_retry_after(const std::string& raw, std::chrono::system_clock::time_point now) {
  std::string v = raw;
  v.erase(0, v.find_first_not_of(" \t"));
  v.erase(v.find_last_not_of(" \t\r\n") + 1);
  if (v.empty()) return std::nullopt;
  double secs = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), secs);
  if (ec == std::errc() && p == v.data() + v.size()) return secs >= 0 ? std::optional(secs) : std::nullopt;
  // IMF-fixdate, the only HTTP-date form servers are required to send.
  std::tm tm{};
  char wday[4] = {}, mon[4] = {}, zone[4] = {};
  int day = 0, year = 0, hh = 0, mm = 0, ss = 0;
  if (std::sscanf(v.c_str(), "%3s, %d %3s %d %d:%d:%d %3s", wday, &day, mon, &year, &hh, &mm, &ss, zone) != 8) {
    return std::nullopt;
  }
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int m = -1;
  for (int i = 0; i < 12; ++i) {
    if (std::string(mon) == months[i]) m = i;
  }
  if (m < 0 || std::string(zone) != "GMT") return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = m;
  tm.tm_mday = day;
  tm.tm_hour = hh;
  tm.tm_min = mm;
  tm.tm_sec = ss;
  const auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
  const double d = std::chrono::duration<double>(at - now).count();
  return std::max(0.0, d);
}

}  // namespace llm
