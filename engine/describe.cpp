#include <fmt/format.h>

#include "engine/registry.hpp"

namespace dag {

namespace {

// One parameter (or setting): name, type, default or required, range; its doc below.
std::string describe_param(const ParamSpec& p) {
  std::string type = to_string(p.type);
  if (p.type == ParamType::Enum) {
    type += "(";
    for (std::size_t i = 0; i < p.choices.size(); ++i) type += (i ? "|" : "") + p.choices[i];
    type += ")";
  }
  std::string extra = p.required ? "required" : p.default_value ? "default: " + *p.default_value : "optional";
  if (p.min || p.max)
    extra +=
        fmt::format(", range [{}, {}]", p.min ? fmt::format("{}", *p.min) : "-inf", p.max ? fmt::format("{}", *p.max) : "inf");
  std::string out = fmt::format("    {:<16} {:<14} {}\n", p.name, type, extra);
  if (!p.description.empty()) out += fmt::format("      {}\n", p.description);
  return out;
}

}  // namespace

std::string describe_node(const NodeSpec& s) {
  std::string out = fmt::format("{}\n  {}\n", s.type, s.summary);
  auto ports = [&](const char* title, const std::vector<PortSpec>& ps) {
    out += fmt::format("  {}:", title);
    if (ps.empty()) {
      out += " none\n";
      return;
    }
    out += "\n";
    for (const auto& p : ps)
      out += fmt::format("    {:<14} {}{}{}\n", p.name, p.kind, p.variadic ? " (one or more)" : "",
                         p.description.empty() ? "" : "  — " + p.description);
  };
  if (s.quick) out += "  quick: runs inline on the delivering thread in request pipelines\n";
  if (s.role == NodeRole::Entry) out += "  role: entry of request pipelines (requests submitted by the host start here)\n";
  if (s.role == NodeRole::Exit) out += "  role: exit of request pipelines (the batch arriving here answers the request)\n";
  ports("inputs", s.inputs);
  ports("outputs", s.outputs);
  out += "  params:";
  if (s.params.empty()) out += " none";
  out += "\n";
  for (const auto& p : s.params) out += describe_param(p);
  return out;
}

std::string describe_nodes(const Registry& r) {
  std::string out;
  for (const auto& t : r.types()) {
    const auto& s = r.find(t)->spec;
    out += fmt::format("  {:<18} {}\n", s.type, s.summary);
  }
  if (auto settings = r.settings(); !settings.empty()) {
    out += "\nsettings (the pipeline's `settings:`, checked like parameters; a node's own parameter wins):\n";
    for (const auto& p : settings) out += describe_param(p);
  }
  return out;
}

}  // namespace dag
