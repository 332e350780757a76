#include "engine/registry.hpp"

#include <set>
#include <stdexcept>

namespace dag {

void Registry::add_setting(ParamSpec spec) {
  if (spec.type == ParamType::Enum && spec.choices.empty())
    throw std::logic_error("setting '" + spec.name + "': an enum without choices");
  auto [it, fresh] = settings_.try_emplace(spec.name, spec);
  if (!fresh && (it->second.type != spec.type || it->second.choices != spec.choices ||
                 it->second.default_value != spec.default_value || it->second.min != spec.min || it->second.max != spec.max))
    throw std::logic_error("setting '" + spec.name + "' declared twice, differently");
}

const ParamSpec* Registry::find_setting(const std::string& name) const {
  auto it = settings_.find(name);
  return it == settings_.end() ? nullptr : &it->second;
}

std::vector<ParamSpec> Registry::settings() const {
  std::vector<ParamSpec> out;
  for (const auto& [_, s] : settings_) out.push_back(s);
  return out;
}

void Registry::add(NodeSpec spec, NodeFactory factory) {
  if (spec.type.empty()) throw std::logic_error("node spec without a type name");
  if (entries_.count(spec.type)) throw std::logic_error("node type '" + spec.type + "' registered twice");
  if (!factory) throw std::logic_error("node type '" + spec.type + "' has no factory");
  std::set<std::string> names;
  for (const auto& p : spec.params) {
    if (!names.insert(p.name).second)
      throw std::logic_error("node type '" + spec.type + "': parameter '" + p.name + "' declared twice");
    if (p.type == ParamType::Enum && p.choices.empty())
      throw std::logic_error("node type '" + spec.type + "': enum parameter '" + p.name + "' has no choices");
  }
  for (std::size_t i = 0; i < spec.inputs.size(); ++i)
    if (spec.inputs[i].variadic && i + 1 != spec.inputs.size())
      throw std::logic_error("node type '" + spec.type + "': only the last input may be variadic");
  if (spec.role == NodeRole::Entry && (!spec.inputs.empty() || spec.outputs.size() != 1))
    throw std::logic_error("node type '" + spec.type + "': an entry point has no inputs and one output");
  if (spec.role == NodeRole::Exit && (spec.inputs.empty() || !spec.outputs.empty()))
    throw std::logic_error("node type '" + spec.type + "': an exit point has inputs and no outputs");
  auto type = spec.type;
  entries_.emplace(type, Entry{std::move(spec), std::move(factory)});
}

const Registry::Entry* Registry::find(const std::string& type) const {
  auto it = entries_.find(type);
  return it == entries_.end() ? nullptr : &it->second;
}

std::vector<std::string> Registry::types() const {
  std::vector<std::string> out;
  for (const auto& [k, _] : entries_) out.push_back(k);
  return out;
}

}  // namespace dag
