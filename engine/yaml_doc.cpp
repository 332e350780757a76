// Reading a pipeline file: text checks, YAML parse, ${VAR} expansion, --set overrides.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/env.hpp"
#include "engine/pipeline.hpp"
#include "engine/yaml_util.hpp"

namespace dag {

namespace {

// True when the bytes are plausible text: no NUL and valid UTF-8.
bool looks_like_text(const std::string& s, std::size_t& bad_offset) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    int extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    bool ok = c != 0 && extra >= 0;
    for (int k = 1; ok && k <= extra; ++k) ok = i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (!ok) {
      bad_offset = i;
      return false;
    }
    i += static_cast<std::size_t>(extra) + 1;
  }
  return true;
}

// YAML aliases make the document a graph: an alias inside its own anchor (`x: &n [*n]`) is a
// cycle, and aliases of aliases multiply (the "billion laughs"). Every walk over the tree would
// then recurse forever or for hours, so such a document is refused before any walk: at most
// kMaxDepth levels and kMaxNodes nodes counted with repeats (a real pipeline has a few hundred).
constexpr int kMaxDepth = 200;
constexpr std::size_t kMaxNodes = 100000;

bool shape_ok(const YAML::Node& node, int depth, std::size_t& count, const std::string& file, Diagnostics& diags) {
  if (++count > kMaxNodes) {
    diags.add(pos_of(file, node), "", "too-large",
              "the document has more than " + std::to_string(kMaxNodes) + " values once aliases are expanded");
    return false;
  }
  if (depth > kMaxDepth) {
    diags.add(pos_of(file, node), "", "too-deep",
              "values nested more than " + std::to_string(kMaxDepth) + " levels deep (or an alias inside its own anchor)");
    return false;
  }
  if (node.IsSequence()) {
    for (const auto& item : node)
      if (!shape_ok(item, depth + 1, count, file, diags)) return false;
  } else if (node.IsMap()) {
    for (const auto& kv : node)
      if (!shape_ok(kv.first, depth + 1, count, file, diags) || !shape_ok(kv.second, depth + 1, count, file, diags)) return false;
  }
  return true;
}

void expand_tree(YAML::Node node, const std::string& file, const EnvLookup& env, Diagnostics& diags) {
  if (node.IsScalar()) {
    const std::string& in = node.Scalar();
    if (in.find('$') == std::string::npos) return;
    std::string err;
    auto out = expand_env(in, env, err);
    if (!err.empty()) {
      diags.add(pos_of(file, node), "", "env", err);
      return;
    }
    node = out;
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) expand_tree(node[i], file, env, diags);
  } else if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) expand_tree(it->second, file, env, diags);
  }
}

YAML::Node override_value(const std::string& text) {
  // Lists are written [a, b]; everything else is kept as the literal string.
  if (!text.empty() && text.front() == '[') {
    try {
      YAML::Node parsed = YAML::Load(text);
      if (parsed.IsSequence()) {
        YAML::Node seq(YAML::NodeType::Sequence);
        for (const auto& item : parsed) seq.push_back(YAML::Node(item.as<std::string>()));
        return seq;
      }
    } catch (const YAML::Exception&) {
    }
  }
  return YAML::Node(text);
}

void apply_override(YAML::Node& root, const std::string& spec, Diagnostics& diags) {
  auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0) {
    diags.add({}, "", "bad-set", "--set '" + spec + "': expected path.to.key=value");
    return;
  }
  std::string path = spec.substr(0, eq);
  std::string value = spec.substr(eq + 1);
  std::vector<std::string> segs;
  std::stringstream ss(path);
  for (std::string s; std::getline(ss, s, '.');) segs.push_back(s);
  for (const auto& s : segs) {
    if (s.empty()) {
      diags.add({}, "", "bad-set", "--set '" + path + "': empty path segment");
      return;
    }
  }
  if (!root.IsMap()) {
    diags.add({}, "", "bad-set", "--set '" + path + "': the pipeline is not a mapping");
    return;
  }
  YAML::Node cur;
  cur.reset(root);
  for (std::size_t i = 0; i + 1 < segs.size(); ++i) {
    const auto& seg = segs[i];
    if (cur.IsSequence()) {
      bool found = false;
      for (std::size_t k = 0; k < cur.size() && !found; ++k) {
        YAML::Node item = cur[k];
        if (item.IsMap() && item["id"] && item["id"].IsScalar() && item["id"].Scalar() == seg) {
          cur.reset(item);
          found = true;
        }
      }
      if (!found) {
        diags.add({}, "", "bad-set", "--set '" + path + "': no node with id '" + seg + "'");
        return;
      }
      continue;
    }
    if (!cur.IsMap() && !cur.IsNull()) {
      diags.add({}, "", "bad-set", "--set '" + path + "': '" + seg + "' is inside a scalar value");
      return;
    }
    YAML::Node next = cur[seg];
    if (!next.IsDefined() || next.IsNull()) {
      cur[seg] = YAML::Node(YAML::NodeType::Map);
      next = cur[seg];
    }
    cur.reset(next);
  }
  if (cur.IsSequence() || cur.IsScalar()) {
    diags.add({}, "", "bad-set", "--set '" + path + "': cannot set a key inside a list or scalar");
    return;
  }
  cur[segs.back()] = override_value(value);
}

}  // namespace

PipelineDoc parse_pipeline_doc(const std::string& text, const std::string& file_label, const LoadOptions& opts) {
  PipelineDoc doc;
  doc.file = file_label;
  std::size_t bad = 0;
  if (!looks_like_text(text, bad)) {
    throw InputError(file_label + ": not a text file (binary or invalid UTF-8 at byte " + std::to_string(bad) + ")");
  }
  try {
    doc.root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    doc.diagnostics.add({file_label, e.mark.line + 1, e.mark.column + 1}, "", "yaml-syntax", e.msg);
    doc.root = YAML::Node();
    return doc;
  }
  if (!doc.root.IsDefined() || doc.root.IsNull()) {
    doc.diagnostics.add({file_label, 1, 1}, "", "empty", "the pipeline file is empty");
    return doc;
  }
  std::size_t count = 0;
  if (!shape_ok(doc.root, 0, count, file_label, doc.diagnostics)) {
    doc.root = YAML::Node();
    return doc;
  }
  EnvLookup env = opts.env ? opts.env : EnvLookup(common::env_value);
  expand_tree(doc.root, file_label, env, doc.diagnostics);
  for (const auto& o : opts.overrides) apply_override(doc.root, o, doc.diagnostics);
  return doc;
}

PipelineDoc load_pipeline_doc(const std::string& path, const LoadOptions& opts) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open pipeline file");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw InputError(path + ": read error");
  return parse_pipeline_doc(ss.str(), path, opts);
}

}  // namespace dag
