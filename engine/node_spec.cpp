#include "engine/node_spec.hpp"

namespace dag {

bool kind_accepts(const std::string& expected, const std::string& actual) {
  if (expected == "any" || actual == "any" || expected == actual) return true;
  // A sub-kind flows where its parent kind is expected: "onet.table" into "onet".
  return actual.size() > expected.size() && actual.compare(0, expected.size(), expected) == 0 && actual[expected.size()] == '.';
}

const ParamSpec* NodeSpec::find_param(const std::string& name) const {
  for (const auto& p : params)
    if (p.name == name) return &p;
  return nullptr;
}

int NodeSpec::output_index(const std::string& name) const {
  for (std::size_t i = 0; i < outputs.size(); ++i)
    if (outputs[i].name == name) return static_cast<int>(i);
  return -1;
}

}  // namespace dag
