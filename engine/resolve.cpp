// Validation of a pipeline document against the registry. Every check adds a diagnostic and
// carries on, so one run of `dagrun validate` lists every problem in the file.
#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>

#include "common/env.hpp"
#include "common/text.hpp"
#include "engine/pipeline.hpp"
#include "engine/registry.hpp"

#include <fmt/format.h>
#include "engine/yaml_util.hpp"

namespace dag {

namespace {

const std::set<std::string> kTopKeys = {"name", "description", "settings", "nodes"};
const std::set<std::string> kNodeKeys = {"id", "type", "description", "inputs", "params", "concurrency", "queue_limit"};

std::string describe_yaml(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "nothing (null)";
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a mapping";
  return "'" + n.Scalar() + "'";
}

bool valid_id(const std::string& id) {
  if (id.empty() || !(std::isalpha(static_cast<unsigned char>(id[0])) || id[0] == '_')) return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; });
}

// Converts a YAML value (or a textual default) to the declared type. Returns an error text.
std::string convert(const ParamSpec& spec, const YAML::Node& n, ParamValue& out) {
  const std::string want = to_string(spec.type);
  if (spec.type == ParamType::StringList) {
    std::vector<std::string> items;
    if (n.IsSequence()) {
      for (const auto& item : n) {
        if (!item.IsScalar()) return "expects " + want + ", got a list containing " + describe_yaml(item);
        items.push_back(item.Scalar());
      }
    } else if (n.IsScalar()) {
      items.push_back(n.Scalar());
    } else {
      return "expects " + want + ", got " + describe_yaml(n);
    }
    out = std::move(items);
    return {};
  }
  if (!n.IsScalar()) return "expects " + want + ", got " + describe_yaml(n);
  const std::string& s = n.Scalar();
  auto check_range = [&](double v) -> std::string {
    if ((spec.min && v < *spec.min) || (spec.max && v > *spec.max)) {
      // Written as `dagrun nodes` writes ranges ({fmt}'s shortest form: [1, 100000], [0.5, 7]).
      return "value " + s + " is out of range [" + (spec.min ? fmt::format("{}", *spec.min) : "-inf") + ", " +
             (spec.max ? fmt::format("{}", *spec.max) : "inf") + "]";
    }
    return {};
  };
  switch (spec.type) {
    case ParamType::Int: {
      std::int64_t v = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return "expects int, got '" + s + "'";
      if (auto e = check_range(static_cast<double>(v)); !e.empty()) return e;
      out = v;
      return {};
    }
    case ParamType::Float: {
      char* end = nullptr;
      double v = std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size()) return "expects float, got '" + s + "'";
      if (auto e = check_range(v); !e.empty()) return e;
      out = v;
      return {};
    }
    case ParamType::Bool: {
      auto l = common::ascii_lower(s);
      if (l == "true" || l == "yes" || l == "on")
        out = true;
      else if (l == "false" || l == "no" || l == "off")
        out = false;
      else
        return "expects bool (true/false), got '" + s + "'";
      return {};
    }
    case ParamType::Enum: {
      if (std::find(spec.choices.begin(), spec.choices.end(), s) == spec.choices.end()) {
        std::string c;
        for (const auto& x : spec.choices) c += (c.empty() ? "" : ", ") + x;
        return "expects one of {" + c + "}, got '" + s + "'";
      }
      out = s;
      return {};
    }
    default:
      out = s;
      return {};
  }
}

struct Builder {
  const PipelineDoc& doc;
  const Registry& reg;
  EnvLookup env;
  Diagnostics diags;
  ResolvedPipeline out;
  std::vector<YAML::Node> node_yaml;                                  // parallel to out.nodes
  std::vector<bool> node_ok;                                          // spec known
  std::vector<std::vector<std::pair<std::size_t, SourcePos>>> preds;  // per node: (from, pos)

  SourcePos at(const YAML::Node& n) const { return pos_of(doc.file, n); }

  void run() {
    const YAML::Node& root = doc.root;
    if (!root.IsMap()) {
      diags.add(at(root).line ? at(root) : SourcePos{doc.file, 1, 1}, "", "not-a-mapping",
                "a pipeline is a mapping with 'name' and 'nodes', got " + describe_yaml(root));
      return;
    }
    for (auto it = root.begin(); it != root.end(); ++it) {
      auto key = it->first.Scalar();
      if (!kTopKeys.count(key)) {
        auto hint = closest_match(key, {kTopKeys.begin(), kTopKeys.end()});
        diags.add(at(it->first), "", "unknown-key",
                  "unknown top-level key '" + key + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      }
    }
    if (!root["name"] || !root["name"].IsScalar() || root["name"].Scalar().empty()) {
      diags.add(root["name"] ? at(root["name"]) : SourcePos{doc.file, 1, 1}, "", "missing-name",
                "the pipeline needs a 'name' (a non-empty string)");
    } else {
      out.name = root["name"].Scalar();
    }
    if (auto s = root["settings"]) {
      if (!s.IsMap()) {
        diags.add(at(s), "", "bad-settings", "'settings' must be a mapping of names to values, got " + describe_yaml(s));
      } else {
        for (auto it = s.begin(); it != s.end(); ++it) {
          if (!it->second.IsScalar()) {
            diags.add(at(it->second), "", "bad-settings",
                      "setting '" + it->first.Scalar() + "' must be a single value, got " + describe_yaml(it->second));
            continue;
          }
          if (const ParamSpec* sp = reg.find_setting(it->first.Scalar())) {
            ParamValue checked;
            if (auto err = convert(*sp, it->second, checked); !err.empty())
              diags.add(at(it->second), "", "bad-setting", "setting '" + it->first.Scalar() + "' " + err);
          }
          out.settings.set(it->first.Scalar(), it->second.Scalar());
        }
      }
    }
    YAML::Node nodes = root["nodes"];
    if (!nodes || !nodes.IsSequence() || nodes.size() == 0) {
      diags.add(nodes ? at(nodes) : SourcePos{doc.file, 1, 1}, "", "no-nodes", "'nodes' must be a non-empty list");
      return;
    }
    read_nodes(nodes);
    bind_inputs();
    check_graph();
  }

  void read_nodes(const YAML::Node& nodes) {
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      YAML::Node n = nodes[i];
      ResolvedNode rn;
      rn.pos = at(n);
      if (!n.IsMap()) {
        diags.add(at(n), "", "bad-node", "each node is a mapping with 'id' and 'type', got " + describe_yaml(n));
        continue;
      }
      if (!n["id"] || !n["id"].IsScalar() || n["id"].Scalar().empty()) {
        diags.add(at(n), "", "missing-id", "node #" + std::to_string(i + 1) + " has no 'id'");
        rn.id = "#" + std::to_string(i + 1);
      } else {
        rn.id = n["id"].Scalar();
        rn.pos = at(n["id"]);
        if (!valid_id(rn.id)) {
          diags.add(rn.pos, rn.id, "bad-id", "ids start with a letter or '_' and hold letters, digits, '_' or '-' (no '.')");
        }
        if (auto it = seen.find(rn.id); it != seen.end()) {
          diags.add(rn.pos, rn.id, "duplicate-id",
                    "duplicate node id (first defined at " + out.nodes[it->second].pos.str() + ")");
        } else {
          seen[rn.id] = out.nodes.size();
        }
      }
      for (auto it = n.begin(); it != n.end(); ++it) {
        auto key = it->first.Scalar();
        if (!kNodeKeys.count(key)) {
          auto hint = closest_match(key, {kNodeKeys.begin(), kNodeKeys.end()});
          diags.add(at(it->first), rn.id, "unknown-key",
                    "unknown key '" + key + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
        }
      }
      const Registry::Entry* entry = nullptr;
      if (!n["type"] || !n["type"].IsScalar()) {
        diags.add(rn.pos, rn.id, "missing-type", "node has no 'type'");
      } else {
        rn.type = n["type"].Scalar();
        entry = reg.find(rn.type);
        if (!entry) {
          auto hint = closest_match(rn.type, reg.types());
          diags.add(at(n["type"]), rn.id, "unknown-type",
                    "unknown node type '" + rn.type + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                        "; `dagrun nodes` lists the types");
        }
      }
      if (auto c = n["concurrency"]) {
        int v = -1;
        if (c.IsScalar() && c.Scalar() == "unlimited")
          v = 0;
        else if (c.IsScalar()) {
          auto& s = c.Scalar();
          auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
          if (ec != std::errc() || p != s.data() + s.size() || v < 1) v = -1;
        }
        if (v < 0) {
          diags.add(at(c), rn.id, "bad-concurrency",
                    "'concurrency' is a positive integer or 'unlimited', got " + describe_yaml(c));
        } else {
          rn.concurrency = v;
          rn.concurrency_given = true;
        }
      }
      if (auto q = n["queue_limit"]) {
        long v = -1;
        if (q.IsScalar()) {
          auto& s = q.Scalar();
          auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
          if (ec != std::errc() || p != s.data() + s.size() || v < 1) v = -1;
        }
        if (v < 0)
          diags.add(at(q), rn.id, "bad-queue-limit", "'queue_limit' is a positive integer, got " + describe_yaml(q));
        else
          rn.queue_limit = static_cast<std::size_t>(v);
      }
      if (entry) {
        rn.spec = &entry->spec;
        read_params(n["params"], rn);
      } else if (auto p = n["params"]; p && !p.IsMap()) {
        diags.add(at(p), rn.id, "bad-params", "'params' must be a mapping, got " + describe_yaml(p));
      }
      out.nodes.push_back(std::move(rn));
      node_yaml.push_back(n);
      node_ok.push_back(entry != nullptr);
    }
  }

  void read_params(const YAML::Node& p, ResolvedNode& rn) {
    const NodeSpec& spec = *rn.spec;
    std::set<std::string> given;
    if (p && !p.IsNull()) {
      if (!p.IsMap()) {
        diags.add(at(p), rn.id, "bad-params", "'params' must be a mapping, got " + describe_yaml(p));
        return;
      }
      for (auto it = p.begin(); it != p.end(); ++it) {
        auto name = it->first.Scalar();
        const ParamSpec* ps = spec.find_param(name);
        if (!ps) {
          std::vector<std::string> names;
          for (const auto& x : spec.params) names.push_back(x.name);
          auto hint = closest_match(name, names);
          diags.add(at(it->first), rn.id, "unknown-param",
                    "type '" + spec.type + "' has no parameter '" + name + "'" +
                        (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
          continue;
        }
        given.insert(name);
        ParamValue v;
        auto err = convert(*ps, it->second, v);
        if (!err.empty()) {
          diags.add(at(it->second), rn.id, "param-type", "parameter '" + name + "' " + err);
          continue;
        }
        rn.params.set(name, std::move(v), at(it->second));
      }
    }
    for (const auto& ps : spec.params) {
      if (given.count(ps.name)) continue;
      if (ps.default_value) {
        std::string err;
        auto text = expand_env(*ps.default_value, env, err);
        if (!err.empty()) {
          diags.add(rn.pos, rn.id, "env", "default of parameter '" + ps.name + "': " + err);
          continue;
        }
        if (text.empty() && !ps.required && ps.type != ParamType::String && ps.type != ParamType::Secret &&
            ps.type != ParamType::Path) {
          continue;  // an empty env default means "not set" for typed optional params
        }
        YAML::Node dn =
            ps.type == ParamType::StringList && !text.empty() && text.front() == '[' ? YAML::Load(text) : YAML::Node(text);
        ParamValue v;
        auto cerr = convert(ps, dn, v);
        if (!cerr.empty()) {
          diags.add(rn.pos, rn.id, "param-type", "parameter '" + ps.name + "' (default '" + text + "') " + cerr);
          continue;
        }
        rn.params.set(ps.name, std::move(v), SourcePos{});
      } else if (ps.required) {
        diags.add(rn.pos, rn.id, "missing-param",
                  "missing required parameter '" + ps.name + "' (" + to_string(ps.type) + ": " + ps.description + ")");
      }
    }
  }

  void bind_inputs() {
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < out.nodes.size(); ++i) index.emplace(out.nodes[i].id, i);
    preds.assign(out.nodes.size(), {});
    for (std::size_t i = 0; i < out.nodes.size(); ++i) {
      ResolvedNode& rn = out.nodes[i];
      YAML::Node in = node_yaml[i]["inputs"];
      std::vector<YAML::Node> items;
      if (in && in.IsSequence()) {
        for (const auto& x : in) items.push_back(x);
      } else if (in && in.IsScalar()) {
        items.push_back(in);
      } else if (in && !in.IsNull()) {
        diags.add(at(in), rn.id, "bad-inputs", "'inputs' is a list of node ids, got " + describe_yaml(in));
        continue;
      }
      const NodeSpec* spec = node_ok[i] ? rn.spec : nullptr;
      if (spec && spec->is_source() && !items.empty()) {
        diags.add(at(in), rn.id, "source-with-inputs", "type '" + spec->type + "' is a source and takes no inputs");
        continue;
      }
      std::size_t fixed = 0;
      bool variadic = false;
      if (spec) {
        variadic = !spec->inputs.empty() && spec->inputs.back().variadic;
        fixed = spec->inputs.size() - (variadic ? 1 : 0);
      }
      for (std::size_t k = 0; k < items.size(); ++k) {
        const YAML::Node& item = items[k];
        if (!item.IsScalar() || item.Scalar().empty()) {
          diags.add(at(item), rn.id, "bad-inputs", "an input is a node id or node.port, got " + describe_yaml(item));
          continue;
        }
        std::string ref = item.Scalar(), up = ref, port;
        if (auto dot = ref.find('.'); dot != std::string::npos) {
          up = ref.substr(0, dot);
          port = ref.substr(dot + 1);
        }
        auto it = index.find(up);
        if (it == index.end()) {
          std::vector<std::string> ids;
          for (const auto& n : out.nodes) ids.push_back(n.id);
          auto hint = closest_match(up, ids);
          diags.add(at(item), rn.id, "unknown-input",
                    "input '" + ref + "' names no node" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
          continue;
        }
        std::size_t from = it->second;
        if (from == i) {
          diags.add(at(item), rn.id, "cycle", "node lists itself as an input: " + rn.id + " -> " + rn.id);
          continue;
        }
        preds[i].push_back({from, at(item)});
        if (!node_ok[from] || !spec) continue;  // already reported
        const NodeSpec& us = *out.nodes[from].spec;
        int from_port = 0;
        if (us.is_sink()) {
          diags.add(at(item), rn.id, "unknown-port",
                    "input '" + ref + "': '" + up + "' (" + us.type + ") is a sink and has no outputs");
          continue;
        }
        if (port.empty()) {
          if (us.outputs.size() > 1) {
            std::string names;
            for (const auto& o : us.outputs) names += (names.empty() ? "" : ", ") + up + "." + o.name;
            diags.add(at(item), rn.id, "ambiguous-port",
                      "input '" + ref + "': '" + up + "' has several outputs; name one of " + names);
            continue;
          }
        } else {
          from_port = us.output_index(port);
          if (from_port < 0) {
            std::string names;
            for (const auto& o : us.outputs) names += (names.empty() ? "" : ", ") + o.name;
            diags.add(
                at(item), rn.id, "unknown-port",
                "input '" + ref + "': '" + up + "' (" + us.type + ") has no output '" + port + "' (outputs: " + names + ")");
            continue;
          }
        }
        InputBinding b;
        b.from = from;
        b.from_port = static_cast<std::size_t>(from_port);
        b.pos = at(item);
        if (k < fixed) {
          b.port = k;
        } else if (variadic) {
          b.port = fixed;
          b.index = k - fixed;
        } else {
          diags.add(at(item), rn.id, "too-many-inputs",
                    "type '" + spec->type + "' takes " + std::to_string(spec->inputs.size()) + " input(s), got " +
                        std::to_string(items.size()));
          break;
        }
        const std::string& have = us.outputs[b.from_port].kind;
        const std::string& want = spec->inputs[b.port].kind;
        if (!kind_accepts(want, have)) {
          diags.add(at(item), rn.id, "incompatible-kind",
                    "input '" + ref + "' carries '" + have + "' but input '" + spec->inputs[b.port].name + "' of type '" +
                        spec->type + "' expects '" + want + "'");
          continue;
        }
        rn.inputs.push_back(b);
      }
      if (spec) {
        std::size_t need = fixed + (variadic ? 1 : 0);
        if (items.size() < need) {
          for (std::size_t p = items.size(); p < need; ++p) {
            diags.add(rn.pos, rn.id, "missing-input",
                      "missing input '" + spec->inputs[p].name + "' (" + spec->inputs[p].kind + ") of type '" + spec->type + "'");
          }
        }
      }
    }
  }

  void check_graph() {
    const std::size_t n = out.nodes.size();
    // Cycles: depth-first search over predecessor edges; a back edge closes a cycle.
    std::vector<int> color(n, 0);
    std::vector<std::size_t> stack;
    std::set<std::set<std::size_t>> reported;
    bool cyclic = false;
    std::function<void(std::size_t)> dfs = [&](std::size_t v) {
      color[v] = 1;
      stack.push_back(v);
      for (const auto& [u, pos] : preds[v]) {
        if (color[u] == 0) {
          dfs(u);
        } else if (color[u] == 1) {
          cyclic = true;
          auto it = std::find(stack.begin(), stack.end(), u);
          std::vector<std::size_t> cyc(it, stack.end());
          std::set<std::size_t> key(cyc.begin(), cyc.end());
          if (!reported.insert(key).second) continue;
          // The stack runs against the data flow; reverse it, then start at the node that
          // comes first in the file so the message does not depend on the search order.
          std::reverse(cyc.begin(), cyc.end());
          std::rotate(cyc.begin(), std::min_element(cyc.begin(), cyc.end()), cyc.end());
          std::string text;
          for (auto x : cyc) text += out.nodes[x].id + " -> ";
          text += out.nodes[cyc.front()].id;
          // Point at the input entry that closes the cycle (the first node's input from the last).
          SourcePos where = pos;
          for (const auto& [from, ipos] : preds[cyc.front()])
            if (from == cyc.back()) where = ipos;
          diags.add(where, out.nodes[cyc.front()].id, "cycle", "cycle: " + text);
        }
      }
      stack.pop_back();
      color[v] = 2;
    };
    for (std::size_t v = 0; v < n; ++v)
      if (color[v] == 0) dfs(v);

    // Every node must reach a sink, or its work goes nowhere.
    std::vector<std::vector<std::size_t>> succ(n);
    for (std::size_t v = 0; v < n; ++v)
      for (const auto& [u, pos] : preds[v]) succ[u].push_back(v);
    std::vector<bool> reaches(n, false);
    std::vector<std::size_t> work;
    for (std::size_t v = 0; v < n; ++v) {
      if (node_ok[v] && out.nodes[v].spec->is_sink()) {
        reaches[v] = true;
        work.push_back(v);
      }
    }
    while (!work.empty()) {
      auto v = work.back();
      work.pop_back();
      for (const auto& [u, pos] : preds[v]) {
        if (!reaches[u]) {
          reaches[u] = true;
          work.push_back(u);
        }
      }
    }
    for (std::size_t v = 0; v < n; ++v) {
      if (!reaches[v] && node_ok[v]) {
        diags.add(out.nodes[v].pos, out.nodes[v].id, "no-sink",
                  "no path to a sink: nothing consumes this node's output (add a sink such as 'discard' or connect it)");
      }
    }
    if (cyclic) return;
    // Kahn's algorithm, stable in file order.
    std::vector<std::size_t> indeg(n, 0);
    for (std::size_t v = 0; v < n; ++v) indeg[v] = preds[v].size();
    std::vector<bool> done(n, false);
    for (std::size_t round = 0; round < n; ++round) {
      for (std::size_t v = 0; v < n; ++v) {
        if (done[v] || indeg[v] != 0) continue;
        done[v] = true;
        out.order.push_back(v);
        for (auto s : succ[v]) --indeg[s];
        break;
      }
    }
  }
};

// In a request pipeline every request passes every node on its path, so a node left at the
// default concurrency of 1 (right for batch steps) makes all requests wait for each other there.
// Valid — a pipeline may mean it, and says so with `concurrency: 1` — so a warning, not an error.
void warn_serial_request_nodes(ResolvedPipeline& p) {
  const bool request_pipeline =
      std::any_of(p.nodes.begin(), p.nodes.end(), [](const ResolvedNode& n) { return n.spec->role == NodeRole::Entry; });
  if (!request_pipeline) return;
  for (const auto& n : p.nodes) {
    if (n.spec->role == NodeRole::Entry || n.concurrency_given) continue;  // not given: the default, 1
    p.warnings.warn(n.pos, n.id, "serial-request-node",
                    "runs one request at a time: 'concurrency' defaults to 1, and in a request pipeline every request "
                    "waits for the one before it here; set 'concurrency: unlimited' (or a limit), or 'concurrency: 1' "
                    "to keep it serial");
  }
}

}  // namespace

const ResolvedNode* ResolvedPipeline::find(const std::string& id) const {
  for (const auto& n : nodes)
    if (n.id == id) return &n;
  return nullptr;
}

ResolvedPipeline resolve_pipeline(const PipelineDoc& doc, const Registry& registry, const LoadOptions& opts) {
  Builder b{doc, registry, opts.env ? opts.env : EnvLookup(common::env_value), {}, {}, {}, {}, {}};
  b.diags = doc.diagnostics;
  b.out.file = doc.file;
  if (doc.root.IsDefined() && !doc.root.IsNull() && !doc.diagnostics.has_code("yaml-syntax")) b.run();
  if (!b.diags.empty()) throw PipelineError(std::move(b.diags));
  warn_serial_request_nodes(b.out);
  return std::move(b.out);
}

ResolvedPipeline load_pipeline(const std::string& path, const Registry& registry, const LoadOptions& opts) {
  return resolve_pipeline(load_pipeline_doc(path, opts), registry, opts);
}

}  // namespace dag
