#include "engine/params.hpp"

#include <stdexcept>

namespace dag {

std::string to_string(ParamType t) {
  switch (t) {
    case ParamType::String:
      return "string";
    case ParamType::Int:
      return "int";
    case ParamType::Float:
      return "float";
    case ParamType::Bool:
      return "bool";
    case ParamType::StringList:
      return "list<string>";
    case ParamType::Secret:
      return "secret";
    case ParamType::Enum:
      return "enum";
    case ParamType::Path:
      return "path";
  }
  return "?";
}

void Params::set(const std::string& name, ParamValue v, SourcePos pos) {
  values_[name] = std::move(v);
  // Values without a position (an API query's, a default's) leave no entry: position() answers
  // SourcePos{} for them anyway, and the request path sets a dozen values per call.
  if (!pos.file.empty() || pos.line != 0)
    positions_[name] = std::move(pos);
  else if (!positions_.empty())
    positions_.erase(name);
}

const ParamValue& Params::at(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::out_of_range("parameter '" + name + "' is not set");
  return it->second;
}

const std::string& Params::str(const std::string& name) const {
  const auto& v = at(name);
  if (auto p = std::get_if<std::string>(&v)) return *p;
  throw std::logic_error("parameter '" + name + "' is not a string");
}

std::int64_t Params::integer(const std::string& name) const {
  const auto& v = at(name);
  if (auto p = std::get_if<std::int64_t>(&v)) return *p;
  throw std::logic_error("parameter '" + name + "' is not an int");
}

double Params::number(const std::string& name) const {
  const auto& v = at(name);
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<std::int64_t>(&v)) return static_cast<double>(*p);
  throw std::logic_error("parameter '" + name + "' is not a number");
}

bool Params::flag(const std::string& name) const {
  const auto& v = at(name);
  if (auto p = std::get_if<bool>(&v)) return *p;
  throw std::logic_error("parameter '" + name + "' is not a bool");
}

const std::vector<std::string>& Params::list(const std::string& name) const {
  const auto& v = at(name);
  if (auto p = std::get_if<std::vector<std::string>>(&v)) return *p;
  throw std::logic_error("parameter '" + name + "' is not a list");
}

std::string Params::str_or(const std::string& name, const std::string& fallback) const {
  return has(name) ? str(name) : fallback;
}

SourcePos Params::pos(const std::string& name) const {
  auto it = positions_.find(name);
  return it == positions_.end() ? SourcePos{} : it->second;
}

std::string Settings::get(const std::string& key, const std::string& fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second;
}

}  // namespace dag
