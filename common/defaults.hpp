#pragma once
// Defaults more than one component states: written once here.
#include <string>
#include <string_view>

namespace common {

// Where the dataset lives when nothing says otherwise (relative to the working directory).
inline constexpr std::string_view kDefaultDatabaseUrl = "sqlite:data/onet.db";

// A node parameter's default that reads DATABASE_URL, else the default above:
// "${DATABASE_URL:-sqlite:data/onet.db}" (engine/env_expand.hpp syntax).
inline std::string database_url_param_default() { return "${DATABASE_URL:-" + std::string(kDefaultDatabaseUrl) + "}"; }

}  // namespace common
