#pragma once
// O*NET-SOC codes as users type them: "15-1252.00", or the 6-digit SOC "15-1252" meaning its
// ".00" occupation. Anything else is rejected before it reaches a lookup or a query.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gap {

// "15-1252" -> "15-1252.00"; "15-1252.01" unchanged; nullopt when not of either shape.
std::optional<std::string> normalize_occupation_code(std::string_view raw);

// "15-1252.00" -> 15125200: the eight digits of a full code as one number, in the same order as
// the codes themselves (for lookups by code: code_map.hpp); nullopt when not of that shape.
std::optional<std::uint32_t> pack_occupation_code(std::string_view code);

}  // namespace gap
