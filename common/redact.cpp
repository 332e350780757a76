#include "common/redact.hpp"

#include <cctype>

namespace common {

namespace {

// RFC 3986 scheme: a letter, then letters, digits, '+', '-', '.'.
std::size_t scheme_length(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return 0;
  std::size_t i = 1;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '+' || s[i] == '-' || s[i] == '.')) ++i;
  return i;
}

}  // namespace

std::optional<UrlParts> split_url(std::string_view url) {
  const std::size_t n = scheme_length(url);
  if (n == 0 || url.substr(n, 3) != "://") return std::nullopt;
  UrlParts p;
  p.scheme = url.substr(0, n);
  const std::size_t start = n + 3;
  p.rest = url.substr(start);
  if (p.scheme == "sqlite") return p;
  const auto at = p.rest.rfind('@');
  if (at == std::string_view::npos) return p;
  p.userinfo = p.rest.substr(0, at);
  p.rest = p.rest.substr(at + 1);
  const auto colon = p.userinfo.find(':');
  p.user = p.userinfo.substr(0, colon);
  if (colon != std::string_view::npos) {
    p.password = p.userinfo.substr(colon + 1);
    p.password_begin = start + colon + 1;
  }
  return p;
}

std::string redact_url(std::string_view url) {
  auto p = split_url(url);
  if (!p || !p->password) return std::string(url);
  std::string out(url.substr(0, p->password_begin));
  out += kMasked;
  out += url.substr(p->password_begin + p->password->size());
  return out;
}

std::string redact_urls_in(std::string_view text) {
  std::string out;
  std::size_t done = 0;  // text[0, done) is already in `out`
  for (std::size_t i = 0; i + 3 <= text.size(); ++i) {
    if (text.compare(i, 3, "://") != 0) continue;
    // Walk back over the scheme; a URL inside a word ("xmysql://") still counts as one.
    std::size_t b = i;
    while (b > done && (std::isalnum(static_cast<unsigned char>(text[b - 1])) || text[b - 1] == '+' || text[b - 1] == '-' ||
                        text[b - 1] == '.'))
      --b;
    while (b < i && !std::isalpha(static_cast<unsigned char>(text[b]))) ++b;
    if (b == i) continue;
    auto p = split_url(text.substr(b));
    if (!p || !p->password) continue;
    out += text.substr(done, b + p->password_begin - done);
    out += kMasked;
    done = b + p->password_begin + p->password->size();
    i = done;  // the '@' that ends the user info; later URLs start after it
  }
  out += text.substr(done);
  return out;
}

std::string scrub(std::string text, std::string_view secret, std::size_t min_size) {
  if (secret.empty() || secret.size() < min_size) return text;
  for (auto p = text.find(secret); p != std::string::npos; p = text.find(secret, p + kMasked.size()))
    text.replace(p, secret.size(), kMasked);
  return text;
}

std::string redact_value(std::string_view value) {
  if (value.empty()) return {};
  if (split_url(value)) return redact_url(value);
  return std::string(kMaskedValue);
}

}  // namespace common
