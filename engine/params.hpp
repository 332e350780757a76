#pragma once
// Declared parameters of a node type and the typed values a pipeline gives them.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "diagnostics.hpp"

namespace dag {

enum class ParamType { String, Int, Float, Bool, StringList, Secret, Enum, Path };
std::string to_string(ParamType t);

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::String;
  std::string description;
  // Textual default, as it would be written in YAML; may use ${VAR:-fallback} so that a
  // parameter defaults from the environment. Absent + !required => the param is optional.
  std::optional<std::string> default_value;
  bool required = false;
  std::vector<std::string> choices;  // for Enum
  std::optional<double> min, max;    // for Int/Float

  // Fluent construction: ParamSpec::str("table").required().doc("...")
  static ParamSpec str(std::string n) { return make(std::move(n), ParamType::String); }
  static ParamSpec integer(std::string n) { return make(std::move(n), ParamType::Int); }
  static ParamSpec number(std::string n) { return make(std::move(n), ParamType::Float); }
  static ParamSpec flag(std::string n) { return make(std::move(n), ParamType::Bool); }
  static ParamSpec list(std::string n) { return make(std::move(n), ParamType::StringList); }
  static ParamSpec secret(std::string n) { return make(std::move(n), ParamType::Secret); }
  static ParamSpec path(std::string n) { return make(std::move(n), ParamType::Path); }
  static ParamSpec one_of(std::string n, std::vector<std::string> c) {
    auto p = make(std::move(n), ParamType::Enum);
    p.choices = std::move(c);
    return p;
  }
  ParamSpec& doc(std::string d) {
    description = std::move(d);
    return *this;
  }
  ParamSpec& def(std::string d) {
    default_value = std::move(d);
    return *this;
  }
  ParamSpec& req() {
    required = true;
    return *this;
  }
  ParamSpec& range(std::optional<double> lo, std::optional<double> hi) {
    min = lo;
    max = hi;
    return *this;
  }

 private:
  static ParamSpec make(std::string n, ParamType t) {
    ParamSpec p;
    p.name = std::move(n);
    p.type = t;
    return p;
  }
};

using ParamValue = std::variant<std::string, std::int64_t, double, bool, std::vector<std::string>>;

// Typed, validated parameter values of one node. Accessors throw std::out_of_range naming
// the parameter when it is absent (only possible for optional params without default).
class Params {
 public:
  void set(const std::string& name, ParamValue v, SourcePos pos = {});
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  const std::string& str(const std::string& name) const;  // String, Secret, Enum, Path
  std::int64_t integer(const std::string& name) const;
  double number(const std::string& name) const;  // Float (Int accepted)
  bool flag(const std::string& name) const;
  const std::vector<std::string>& list(const std::string& name) const;
  std::string str_or(const std::string& name, const std::string& fallback) const;
  SourcePos pos(const std::string& name) const;
  const std::map<std::string, ParamValue>& values() const { return values_; }

 private:
  const ParamValue& at(const std::string& name) const;
  std::map<std::string, ParamValue> values_;
  std::map<std::string, SourcePos> positions_;
};

// Pipeline-level `settings:`: plain scalars, read by nodes by name.
class Settings {
 public:
  void set(const std::string& key, std::string value) { values_[key] = std::move(value); }
  std::string get(const std::string& key, const std::string& fallback = "") const;
  bool has(const std::string& key) const { return values_.count(key) != 0; }
  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace dag
