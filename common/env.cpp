#include "common/env.hpp"

#include <cstdlib>

namespace common {

std::optional<std::string> env_value(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

std::string env_or(const std::string& name, std::string fallback) {
  auto v = env_value(name);
  return v && !v->empty() ? std::move(*v) : std::move(fallback);
}

}  // namespace common
