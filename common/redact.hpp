#pragma once
// The one redaction of secrets for everything the programs print: logs, error messages,
// `dagrun config`, run summaries, /metrics, start-up lines and --help.
//
// A URL's password is found by split_url(), which is also what the database URL parser
// (sqldb::DatabaseUrl::parse, nodes/sql/database.cpp) uses to read the password: what is hidden
// is exactly what the parser takes as the password, by construction. The user info runs to the
// LAST '@' after "scheme://" (so an unencoded '@', ':', '/', '#' or '?' in a password works), the
// user name to the first ':' inside it, and the password is everything after that ':'.
#include <optional>
#include <string>
#include <string_view>

namespace common {

inline constexpr std::string_view kMasked = "***";          // a password inside a URL or a text
inline constexpr std::string_view kMaskedValue = "******";  // a whole secret value (an API key)

struct UrlParts {
  std::string_view scheme;    // "mysql"
  std::string_view userinfo;  // "user:pass"; empty when there is no '@'
  std::string_view user;      // "user" (still %-encoded)
  // "pass" (still %-encoded); "" for "user:@host"; nullopt for "user@host" or no user info.
  std::optional<std::string_view> password;
  std::string_view rest;           // after the '@' (or "://"): host, port, path, query
  std::size_t password_begin = 0;  // offset of the password in the URL (when there is one)
};

// `url` split as above; nullopt unless it starts with "scheme://". `sqlite:` URLs never carry
// credentials (the parser reads a path from them), so they have no user info here either.
std::optional<UrlParts> split_url(std::string_view url);

// `url` with its password replaced by ***: "mysql://u:p@ss@h/db" -> "mysql://u:***@h/db". An
// empty password is masked too (whether one is set is nobody's business). Anything without a
// password comes back unchanged.
std::string redact_url(std::string_view url);

// Every "scheme://" inside `text` redacted as by redact_url(), each URL taken to run to the end
// of the text: for values that may embed a URL (a YAML scalar in `dagrun config`). It errs on
// hiding too much — whatever lies between a password and the last '@' goes too — never too little.
std::string redact_urls_in(std::string_view text);

// `text` with every occurrence of `secret` replaced by ***, for messages that come from a driver
// or a server and might quote what they were given. Secrets shorter than `min_size` are left
// alone (replacing a one-letter value everywhere would garble the text, not protect anything).
std::string scrub(std::string text, std::string_view secret, std::size_t min_size = 1);

// A secret value as `dagrun config` shows it: a URL keeps everything but its password, anything
// else (a key, a token) becomes ******; an empty value stays empty.
std::string redact_value(std::string_view value);

}  // namespace common
