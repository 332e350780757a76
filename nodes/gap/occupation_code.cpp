#include "nodes/gap/occupation_code.hpp"

namespace gap {

namespace {
bool digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}
}  // namespace

std::optional<std::string> normalize_occupation_code(std::string_view raw) {
  if (raw.size() != 7 && raw.size() != 10) return std::nullopt;
  if (!digits(raw.substr(0, 2)) || raw[2] != '-' || !digits(raw.substr(3, 4))) return std::nullopt;
  if (raw.size() == 7) return std::string(raw) + ".00";
  if (raw[7] != '.' || !digits(raw.substr(8, 2))) return std::nullopt;
  return std::string(raw);
}

}  // namespace gap
