#include "nodes/onet/resolve_release.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "common/redact.hpp"
#include "nodes/onet/download.hpp"
#include "nodes/onet/release_source.hpp"
#include "nodes/onet/sha256.hpp"

namespace onet {

namespace fs = std::filesystem;

namespace {

bool starts_with_ci(const std::string& s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

void check_expected(const std::string& expected, const std::string& actual, const std::string& what) {
  if (!expected.empty() && common::ascii_lower(expected) != actual) {
    throw SourceError("checksum mismatch for " + what + ": expected sha256 " + common::ascii_lower(expected) + ", got " + actual);
  }
}

std::optional<std::string> release_of_zip(const ZipSource& zip) {
  auto top = zip.top_folder();
  return top ? release_from_name(*top) : std::nullopt;
}

}  // namespace

std::string local_copy_advice(const std::string& node_id) {
  return "To use a local copy instead, set ONET_SOURCE=/path/to/db_29_2_text (the unzipped folder or the "
         ".zip) or run with --set nodes." +
         node_id + ".params.location=/path/to/db_29_2_text";
}

std::shared_ptr<ReleaseBatch> resolve_release(const SourceOptions& opts) {
  auto batch = std::make_shared<ReleaseBatch>();
  // The location as given, but with the password of a URL masked: it is logged, quoted in
  // errors and recorded in load_runs.source.
  const std::string shown = common::redact_url(opts.location);
  batch->location = shown;
  std::string loc = opts.location;
  if (loc.empty()) throw SourceError("location is empty. " + local_copy_advice(opts.node_id));

  std::optional<std::string> release;
  if (!opts.release.empty()) release = opts.release;

  if (starts_with_ci(loc, "http://") || starts_with_ci(loc, "https://")) {
    DownloadOptions d;
    d.cache_dir = opts.cache_dir;
    d.timeout_s = opts.timeout_s;
    d.expected_sha256 = opts.sha256;
    d.log = opts.log;
    DownloadResult got;
    try {
      got = fetch_to_cache(loc, d);
    } catch (const DownloadError& e) {
      throw SourceError(std::string(e.what()) + ". " + local_copy_advice(opts.node_id));
    }
    std::shared_ptr<ZipSource> zip;
    try {
      zip = std::make_shared<ZipSource>(got.path, shown);
    } catch (const std::exception& e) {
      // Not a zip (an HTML error page served with 200, say): do not keep it as the cached release.
      std::error_code ec;
      fs::remove(got.path, ec);
      fs::remove(got.path + ".sha256", ec);
      throw SourceError("the download of " + shown + " is not a readable release zip (" + e.what() + "). " +
                        local_copy_advice(opts.node_id));
    }
    if (!release) release = release_from_name(loc);
    if (!release) release = release_of_zip(*zip);
    batch->checksum = got.sha256;
    batch->source = zip;
  } else {
    if (starts_with_ci(loc, "file://")) loc.erase(0, 7);
    if (auto scheme = loc.find("://"); scheme != std::string::npos && loc.find('/') > scheme) {
      throw SourceError("location '" + shown + "': unsupported scheme (use a folder, a .zip or an http(s) URL)");
    }
    std::error_code ec;
    auto status = fs::status(loc, ec);
    if (ec || !fs::exists(status)) {
      throw SourceError("O*NET source '" + loc + "' does not exist. " + local_copy_advice(opts.node_id));
    }
    if (fs::is_directory(status)) {
      auto folder = std::make_shared<FolderSource>(loc);
      batch->checksum = folder->checksum();
      check_expected(opts.sha256, batch->checksum, "folder " + loc);
      batch->source = folder;
      if (!release) release = release_from_name(loc);
    } else {
      std::shared_ptr<ZipSource> zip;
      try {
        zip = std::make_shared<ZipSource>(loc);
      } catch (const std::exception& e) {
        throw SourceError("O*NET source '" + loc + "' is neither a folder nor a readable zip (" + e.what() + ")");
      }
      batch->checksum = sha256_file(loc);
      check_expected(opts.sha256, batch->checksum, "zip " + loc);
      if (!release) release = release_from_name(loc);
      if (!release) release = release_of_zip(*zip);
      batch->source = zip;
    }
  }
  if (!release) {
    throw SourceError("cannot tell the O*NET release from '" + shown +
                      "' (expected a name like db_29_2_text); set the `release` parameter, e.g. release: \"29.2\"");
  }
  batch->release = *release;
  return batch;
}

}  // namespace onet
