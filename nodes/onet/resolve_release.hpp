#pragma once
// Turns the `location` of an onet_source node into a readable release: a db_XX_X_text folder,
// a release zip, or an http(s) URL fetched once into the cache.
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "nodes/onet/batches.hpp"

namespace onet {

// The release cannot be used. what() says what failed and, for a missing or unreachable
// source, how to point the pipeline at a local copy.
class SourceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SourceOptions {
  std::string location;
  std::string cache_dir = "data/cache";
  std::string release;  // empty: derived from the folder/zip/URL name
  std::string sha256;   // empty: no expectation (the computed checksum is still recorded)
  long timeout_s = 600;
  std::string node_id = "source";  // named in the advice (--set nodes.<id>.params.location=...)
  std::function<void(const std::string&)> log;
};

// The advice appended to download and missing-source errors.
std::string local_copy_advice(const std::string& node_id);

std::shared_ptr<ReleaseBatch> resolve_release(const SourceOptions& opts);

}  // namespace onet
