#pragma once
// Downloads a release once into a cache folder. The file appears under its final name only when
// complete and (if asked) verified, so a cut connection or a wrong checksum leaves nothing behind;
// "<file>.sha256" (sha256sum format) records its checksum and is checked on every reuse.
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace onet {

// What failed (URL, HTTP status or transport error) — without advice; the caller adds that.
class DownloadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct DownloadResult {
  std::string path;     // cached file
  std::string sha256;   // its checksum (lowercase hex)
  bool reused = false;  // served from the cache without a request
};

struct DownloadOptions {
  std::string cache_dir = "data/cache";
  long timeout_s = 600;
  std::string expected_sha256;                  // empty: accept any content (and record its checksum)
  std::function<void(const std::string&)> log;  // progress notes; may be empty
};

// Cache file name for a URL: the last path segment ("db_29_2_text.zip"), or
// "onet_release.zip" when the URL has none. Two URLs with the same last segment share it.
std::string cache_name_for(std::string_view url);

DownloadResult fetch_to_cache(const std::string& url, const DownloadOptions& opts);

}  // namespace onet
