// The web page and its assets (api/web/, compiled in): exact paths, GET only, the query left
// to the page's script (it keeps the selection there).
#include "api/handlers.hpp"

namespace api::handlers {

void web_asset(const WebAsset& a, const Reply& reply) {
  Response r;
  r.content_type = std::string(a.content_type);
  r.body = std::string(a.body);
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (a.path == "/") {
    // Only this origin: the page makes no request elsewhere, and the browser enforces it.
    r.headers.emplace_back("Content-Security-Policy",
                           "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
                           "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    r.headers.emplace_back("Referrer-Policy", "no-referrer");
  }
  reply.send(std::move(r));
}

}  // namespace api::handlers
