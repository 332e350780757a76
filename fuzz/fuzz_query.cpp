// libFuzzer target: the request parsing of skillgap-api: query decoding (api/query) and the
// /skill-gap option parsing and routing (App::handle), without sockets.
// Input: a request target as sent, "PATH?QUERY" (e.g. "/skill-gap?from=15-1254.00&to=15-1251");
// a leading '!' makes it a POST. The App is built once over a database that is never opened
// (no dataset: requests that pass option checks end in 503), so each input costs only its
// parsing.
// Oracle beyond "no crash": no 500 (internal_error means an exception escaped a route), every
// JSON response parses, statuses are the documented ones, and parse_query() under small limits
// returns only parameters within them, decoded to valid UTF-8 without control characters.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "api/app.hpp"
#include "api/query.hpp"
#include "engine/parallelism.hpp"

namespace {

api::App& app() {
  static api::App* a = [] {
    spdlog::set_level(spdlog::level::off);
    api::AppConfig cfg;
    cfg.database_url = "sqlite:/nonexistent/skillgap-fuzz/onet.db";
    cfg.pipeline = SKILLGAP_SOURCE_DIR "/pipelines/skill_gap.yaml";
    // libFuzzer owns main(); the harness owns the process's oneTBB parallelism instead, once.
    static dag::Parallelism parallelism(api::App::engine_threads(cfg));
    return new api::App(cfg);
  }();
  return *a;
}

void check_small_limits(std::string_view query) {
  api::QueryLimits lim;
  lim.max_query_bytes = 200;
  lim.max_params = 4;
  lim.max_name_bytes = 8;
  lim.max_value_bytes = 16;
  auto parsed = api::parse_query(query, lim);
  if (auto* list = std::get_if<std::vector<api::QueryParam>>(&parsed)) {
    if (query.size() > lim.max_query_bytes || list->size() > lim.max_params) std::abort();
    for (const auto& p : *list) {
      if (p.name.empty() || p.name.size() > lim.max_name_bytes || p.value.size() > lim.max_value_bytes) std::abort();
      if (!api::valid_utf8(p.name) || !api::valid_utf8(p.value)) std::abort();
      for (unsigned char c : p.name + p.value)
        if (c < 0x20 || c == 0x7f) std::abort();
    }
  } else {
    const auto& problem = std::get<api::QueryProblem>(parsed);
    if (problem.error.empty() || problem.message.empty()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string target(reinterpret_cast<const char*>(data), size);
  api::Request req;
  req.method = "GET";
  if (!target.empty() && target[0] == '!') {
    req.method = "POST";
    target.erase(0, 1);
  }
  const auto q = target.find('?');
  req.path = target.substr(0, q);
  req.query = q == std::string::npos ? "" : target.substr(q + 1);

  check_small_limits(req.query);
  (void)api::shorten(req.query, size % 50);

  const api::Response r = app().handle(req);
  switch (r.status) {
    case 200:
    case 400:
    case 404:
    case 405:
    case 503:
      break;
    default:
      std::abort();  // 500 = an exception escaped a route
  }
  if (r.content_type.starts_with("application/json") && !nlohmann::json::accept(r.body)) std::abort();
  return 0;
}
