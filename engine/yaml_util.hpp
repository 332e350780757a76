#pragma once
// Internal helpers shared by the pipeline reader, resolver and renderer.
#include <functional>
#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

#include "engine/diagnostics.hpp"

namespace dag {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Expands ${VAR} and ${VAR:-default}; "$$" is a literal "$". On error (unset variable without
// default, unterminated reference) sets `err` and returns the input.
std::string expand_env(const std::string& in, const EnvLookup& env, std::string& err);

// File position of a YAML node; nodes created by --set have none (shown as the command line).
inline SourcePos pos_of(const std::string& file, const YAML::Node& n) {
  YAML::Mark m = n.Mark();
  if (m.is_null() || m.line < 0) return {};
  return {file, m.line + 1, m.column + 1};
}

}  // namespace dag
