#include <cctype>

#include "engine/yaml_util.hpp"

namespace dag {

std::string expand_env(const std::string& in, const EnvLookup& env, std::string& err) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c != '$' || i + 1 >= in.size()) {
      out += c;
      continue;
    }
    if (in[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (in[i + 1] != '{') {
      out += c;
      continue;
    }
    auto close = in.find('}', i + 2);
    if (close == std::string::npos) {
      err = "unterminated ${...} in '" + in + "'";
      return in;
    }
    std::string body = in.substr(i + 2, close - i - 2);
    std::string name = body;
    std::optional<std::string> fallback;
    if (auto p = body.find(":-"); p != std::string::npos) {
      name = body.substr(0, p);
      fallback = body.substr(p + 2);
    }
    bool valid = !name.empty();
    for (char ch : name) valid = valid && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_');
    if (!valid) {
      err = "invalid variable name '" + name + "' in '" + in + "'";
      return in;
    }
    auto v = env(name);
    if (v && (!v->empty() || !fallback)) {
      out += *v;  // set; set but empty and without a default is empty, as the user asked
    } else if (fallback) {
      out += *fallback;
    } else {
      err = "environment variable " + name + " is not set (write ${" + name + ":-default} to give a default)";
      return in;
    }
    i = close;
  }
  return out;
}

}  // namespace dag
