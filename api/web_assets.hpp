#pragma once
// The web page (api/web/), compiled in by api/embed_web.cmake: one entry per file, served at
// its exact path ("/" for index.html). The paths double as the metrics route labels.
#include <string_view>
#include <vector>

namespace api {

struct WebAsset {
  std::string_view path;          // "/", "/app.js", ...
  std::string_view content_type;  // "text/html; charset=utf-8", ...
  std::string_view body;
};

const std::vector<WebAsset>& web_assets();

}  // namespace api
