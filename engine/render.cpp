// Text views of a pipeline: Mermaid / DOT diagrams and the resolved, secret-masked config.
#include <regex>

#include "common/redact.hpp"
#include "engine/pipeline.hpp"
#include "engine/registry.hpp"

namespace dag {

namespace {

std::string edge_label(const ResolvedPipeline& p, const InputBinding& b) {
  const auto& up = p.nodes[b.from];
  return up.spec->outputs[b.from_port].kind;
}

bool secret_name(const std::string& key) {
  static const std::regex re("(password|passwd|secret|token|api_?key|credential)", std::regex::icase);
  return std::regex_search(key, re);
}

void mask_tree(YAML::Node node) {
  if (node.IsScalar()) {
    auto masked = common::redact_urls_in(node.Scalar());
    if (masked != node.Scalar()) node = masked;
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) mask_tree(node[i]);
  } else if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it->second.IsScalar() && secret_name(it->first.Scalar()) && !it->second.Scalar().empty()) {
        it->second = std::string(common::kMaskedValue);
      } else {
        mask_tree(it->second);
      }
    }
  }
}

}  // namespace

std::string render_mermaid(const ResolvedPipeline& p) {
  std::string out = "flowchart LR\n";
  for (const auto& n : p.nodes) out += "  " + n.id + "[\"" + n.id + "<br/><i>" + n.type + "</i>\"]\n";
  for (const auto& n : p.nodes)
    for (const auto& b : n.inputs) out += "  " + p.nodes[b.from].id + " -->|" + edge_label(p, b) + "| " + n.id + "\n";
  return out;
}

std::string render_dot(const ResolvedPipeline& p) {
  std::string out = "digraph \"" + p.name + "\" {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n";
  for (const auto& n : p.nodes) {
    std::string shape = n.spec->is_source() ? ", shape=invhouse" : n.spec->is_sink() ? ", shape=house" : "";
    out += "  \"" + n.id + "\" [label=\"" + n.id + "\\n(" + n.type + ")\"" + shape + "];\n";
  }
  for (const auto& n : p.nodes)
    for (const auto& b : n.inputs)
      out += "  \"" + p.nodes[b.from].id + "\" -> \"" + n.id + "\" [label=\"" + edge_label(p, b) + "\"];\n";
  return out + "}\n";
}

namespace {
YAML::Node to_yaml(const ParamValue& v) {
  if (auto s = std::get_if<std::string>(&v)) return YAML::Node(*s);
  if (auto i = std::get_if<std::int64_t>(&v)) return YAML::Node(*i);
  if (auto d = std::get_if<double>(&v)) return YAML::Node(*d);
  if (auto b = std::get_if<bool>(&v)) return YAML::Node(*b);
  YAML::Node seq(YAML::NodeType::Sequence);
  for (const auto& x : std::get<std::vector<std::string>>(v)) seq.push_back(x);
  return seq;
}
}  // namespace

std::string render_config(const PipelineDoc& doc, const Registry& registry, const ResolvedPipeline* resolved) {
  YAML::Node copy = YAML::Clone(doc.root);
  // Fill in defaults so the printout is what will actually run.
  if (resolved && copy.IsMap() && copy["nodes"] && copy["nodes"].IsSequence()) {
    for (std::size_t i = 0; i < copy["nodes"].size() && i < resolved->nodes.size(); ++i) {
      YAML::Node n = copy["nodes"][i];
      const auto& rn = resolved->nodes[i];
      if (rn.params.values().empty()) continue;
      if (!n["params"] || n["params"].IsNull()) n["params"] = YAML::Node(YAML::NodeType::Map);
      YAML::Node params = n["params"];
      for (const auto& [k, v] : rn.params.values())
        if (!params[k]) params[k] = to_yaml(v);
    }
  }
  // Params declared Secret are masked whatever their name; then generic masking.
  if (copy.IsMap() && copy["nodes"] && copy["nodes"].IsSequence()) {
    for (std::size_t i = 0; i < copy["nodes"].size(); ++i) {
      YAML::Node n = copy["nodes"][i];
      if (!n.IsMap() || !n["type"] || !n["type"].IsScalar()) continue;
      const auto* e = registry.find(n["type"].Scalar());
      if (!e) continue;
      YAML::Node params = n["params"];
      for (const auto& ps : e->spec.params) {
        if (ps.type != ParamType::Secret) continue;
        if (params && params.IsMap() && params[ps.name] && params[ps.name].IsScalar()) {
          // A database URL is useful to see; only its password is secret.
          params[ps.name] = common::redact_value(params[ps.name].Scalar());
        }
      }
    }
  }
  mask_tree(copy);
  YAML::Emitter em;
  em << copy;
  return std::string(em.c_str()) + "\n";
}

}  // namespace dag
