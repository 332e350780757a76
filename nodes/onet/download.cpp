#include "nodes/onet/download.hpp"
#include "common/text.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <algorithm>
#include <cctype>

#include "common/redact.hpp"
#include "nodes/onet/sha256.hpp"

namespace onet {

namespace fs = std::filesystem;

namespace {

void curl_init_once() {
  // curl_global_init is not guaranteed thread-safe on every build; nodes may start in parallel.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// A file being written under a temporary name; removed unless commit() moved it into place.
class TempFile {
 public:
  explicit TempFile(const fs::path& dir, const std::string& stem) {
    std::string tmpl = (dir / ("." + stem + ".part-XXXXXX")).string();
    int fd = ::mkstemp(tmpl.data());
    if (fd < 0) throw DownloadError("cannot create a temporary file in " + dir.string() + ": " + std::strerror(errno));
    path_ = tmpl;
    file_ = ::fdopen(fd, "wb");
    if (!file_) {
      ::close(fd);
      std::error_code ec;
      fs::remove(path_, ec);
      throw DownloadError("cannot open " + path_ + ": " + std::strerror(errno));
    }
  }
  ~TempFile() {
    if (file_) std::fclose(file_);
    if (!path_.empty()) {
      std::error_code ec;
      fs::remove(path_, ec);
    }
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  FILE* get() const { return file_; }
  void close() {
    bool bad = std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0;
    bad = std::fclose(file_) != 0 || bad;
    file_ = nullptr;
    if (bad) throw DownloadError("cannot write " + path_ + ": " + std::strerror(errno));
  }
  void commit(const fs::path& final_path) {
    if (file_) close();
    std::error_code ec;
    fs::rename(path_, final_path, ec);
    if (ec) throw DownloadError("cannot move " + path_ + " to " + final_path.string() + ": " + ec.message());
    path_.clear();
  }

 private:
  std::string path_;
  FILE* file_ = nullptr;
};

struct Sink {
  FILE* file;
  Sha256* hash;
  std::uint64_t bytes = 0;
  bool write_failed = false;
};

std::size_t on_data(char* data, std::size_t size, std::size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  std::size_t len = size * n;
  if (std::fwrite(data, 1, len, sink->file) != len) {
    sink->write_failed = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  sink->hash->update(data, len);
  sink->bytes += len;
  return len;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

std::optional<std::string> recorded_sha(const fs::path& sha_path) {
  std::ifstream in(sha_path);
  std::string hex;
  if (!(in >> hex) || hex.size() != 64) return std::nullopt;
  return common::ascii_lower(hex);
}

void write_sha_file(const fs::path& sha_path, const std::string& hex, const std::string& name) {
  TempFile tmp(sha_path.parent_path(), sha_path.filename().string());
  std::string line = hex + "  " + name + "\n";
  if (std::fwrite(line.data(), 1, line.size(), tmp.get()) != line.size()) {
    throw DownloadError("cannot write " + sha_path.string());
  }
  tmp.commit(sha_path);
}

}  // namespace

std::string cache_name_for(std::string_view url) {
  std::string s(url);
  if (auto q = s.find_first_of("?#"); q != std::string::npos) s.erase(q);
  auto scheme = s.find("://");
  std::string path = scheme == std::string::npos ? s : s.substr(scheme + 3);
  auto slash = path.find('/');
  path = slash == std::string::npos ? "" : path.substr(slash);
  while (!path.empty() && path.back() == '/') path.pop_back();
  auto last = path.substr(path.find_last_of('/') + 1);
  if (last.empty() || last == "." || last == "..") return "onet_release.zip";
  return last;
}

DownloadResult fetch_to_cache(const std::string& url, const DownloadOptions& opts) {
  auto note = [&](const std::string& m) {
    if (opts.log) opts.log(m);
  };
  const std::string expected = common::ascii_lower(opts.expected_sha256);
  const std::string shown = common::redact_url(url);  // what messages quote: user info without its password
  const fs::path dir(opts.cache_dir);
  const std::string name = cache_name_for(url);
  const fs::path target = dir / name;
  const fs::path sha_path = dir / (name + ".sha256");

  std::error_code ec;
  if (fs::is_regular_file(target, ec)) {
    auto recorded = recorded_sha(sha_path);
    if (recorded) {
      std::string actual = sha256_file(target.string());
      if (actual != *recorded) {
        note("cached " + target.string() + " does not match its recorded checksum (" + *recorded + " vs " + actual +
             "); downloading again");
      } else if (!expected.empty() && actual != expected) {
        note("cached " + target.string() + " has checksum " + actual + ", not the expected " + expected + "; downloading again");
      } else {
        note("using cached " + target.string() + " (sha256 " + actual + ")");
        return {target.string(), actual, true};
      }
    } else {
      note("cached " + target.string() + " has no recorded checksum; downloading again");
    }
  }

  fs::create_directories(dir, ec);
  if (ec) throw DownloadError("cannot create cache folder " + dir.string() + ": " + ec.message());

  curl_init_once();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) throw DownloadError("libcurl: cannot create a handle");
  TempFile tmp(dir, name);
  Sha256 hash;
  Sink sink{tmp.get(), &hash};
  char errbuf[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, opts.timeout_s);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, std::min(opts.timeout_s, 30L));
  curl_easy_setopt(c, CURLOPT_USERAGENT, "onet-skillgap/0.1 (libcurl)");
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  note("downloading " + shown + " into " + dir.string());
  CURLcode rc = curl_easy_perform(c);

  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (rc != CURLE_OK) {
    if (sink.write_failed) throw DownloadError("cannot write the download of " + shown + " into " + dir.string());
    std::string why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    throw DownloadError("download of " + shown + " failed: " + why);
  }
  if (status < 200 || status >= 300) {
    throw DownloadError("download of " + shown + " failed: HTTP " + std::to_string(status));
  }
  curl_off_t declared = -1;
  curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &declared);
  if (declared >= 0 && static_cast<std::uint64_t>(declared) != sink.bytes) {
    throw DownloadError("download of " + shown + " failed: got " + std::to_string(sink.bytes) + " bytes, Content-Length said " +
                        std::to_string(declared));
  }
  if (sink.bytes == 0) throw DownloadError("download of " + shown + " failed: the response body is empty");
  std::string actual = hash.hex();
  if (!expected.empty() && actual != expected) {
    throw DownloadError("download of " + shown + " failed: checksum mismatch: expected sha256 " + expected + ", got " + actual);
  }
  tmp.commit(target);
  write_sha_file(sha_path, actual, name);
  note("downloaded " + std::to_string(sink.bytes) + " bytes to " + target.string() + " (sha256 " + actual + ")");
  return {target.string(), actual, false};
}

}  // namespace onet
