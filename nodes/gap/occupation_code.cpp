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

std::optional<std::uint32_t> pack_occupation_code(std::string_view code) {
  if (code.size() != 10 || code[2] != '-' || code[7] != '.') return std::nullopt;
  std::uint32_t n = 0;
  for (std::size_t i : {0, 1, 3, 4, 5, 6, 8, 9}) {
    const char c = code[i];
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return n;
}

}  // namespace gap
