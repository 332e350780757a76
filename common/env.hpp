#pragma once
// The process environment, read in one place. Library code takes an EnvLookup from its host
// (dag::LoadOptions::env) so that tests pass their own; this is the default behind it, and
// what executables (dagrun, skillgap-api) read their own settings with.
#include <optional>
#include <string>

namespace common {

// The variable's value; nullopt when it is not set (set but empty is "").
std::optional<std::string> env_value(const std::string& name);
// The value, or `fallback` when the variable is unset or empty.
std::string env_or(const std::string& name, std::string fallback);

}  // namespace common
