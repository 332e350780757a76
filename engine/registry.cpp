#include "engine/registry.hpp"

#include <set>
#include <stdexcept>

namespace dag {

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
