// Pipeline reading and validation: every error is reported with its position and node id.
#include <catch2/catch.hpp>

#include "common/redact.hpp"
#include "engine/pipeline.hpp"
#include "engine/registry.hpp"
#include "engine/settings.hpp"
#include "test_nodes.hpp"

using namespace dag;

namespace {

LoadOptions env_opts(std::map<std::string, std::string> env, std::vector<std::string> sets = {}) {
  LoadOptions o;
  o.overrides = std::move(sets);
  o.env = [env](const std::string& k) -> std::optional<std::string> {
    auto it = env.find(k);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  return o;
}

// Resolves and returns the diagnostics (empty when valid).
Diagnostics diagnose(const std::string& yaml, const LoadOptions& opts = env_opts({})) {
  auto reg = enginetest::test_registry();
  try {
    resolve_pipeline(parse_pipeline_doc(yaml, "p.yaml", opts), reg, opts);
  } catch (const PipelineError& e) {
    return e.diagnostics();
  }
  return {};
}

const Diagnostic* find(const Diagnostics& d, const std::string& code, const std::string& node = "") {
  for (const auto& x : d.items())
    if (x.code == code && (node.empty() || x.node_id == node)) return &x;
  return nullptr;
}

}  // namespace

TEST_CASE("a valid pipeline resolves with typed params and topological order", "[validate]") {
  auto reg = enginetest::test_registry();
  auto doc = parse_pipeline_doc(R"(name: ok
settings:
  on_error: skip
nodes:
  - id: sink
    type: t_sink
    inputs: [m]
  - id: m
    type: t_map
    inputs: [src]
    concurrency: 4
    params: {add: 5, ratio: 2, verbose: yes, tags: [a, b], mode: slow}
  - id: src
    type: t_source
)",
                                "p.yaml", env_opts({}));
  auto p = resolve_pipeline(doc, reg, env_opts({}));
  REQUIRE(p.nodes.size() == 3);
  CHECK(p.settings.get("on_error") == "skip");
  const auto* m = p.find("m");
  REQUIRE(m);
  CHECK(m->concurrency == 4);
  CHECK(m->params.integer("add") == 5);
  CHECK(m->params.number("ratio") == 2.0);
  CHECK(m->params.flag("verbose"));
  CHECK(m->params.list("tags") == std::vector<std::string>{"a", "b"});
  CHECK(m->params.str("mode") == "slow");
  CHECK(m->params.integer("sleep_ms") == 0);  // default
  CHECK_FALSE(m->params.has("label"));        // optional without default
  std::vector<std::string> order;
  for (auto i : p.order) order.push_back(p.nodes[i].id);
  CHECK(order == std::vector<std::string>{"src", "m", "sink"});
}

// The diagnostics of invalid pipelines (unknown types, parameters, ids, ports, kinds, cycles,
// sinks, keys, concurrency), each with its file:line:col and code, are data:
// tests/engine/validation_cases/*.yaml with their .expected (test_validation_cases.cpp).

TEST_CASE("bad YAML never crashes: syntax, wrong shapes, empty, binary", "[validate][yaml]") {
  auto syntax = diagnose("name: x\nnodes:\n  - id: a\n    type: [unclosed\n");
  REQUIRE(find(syntax, "yaml-syntax"));
  CHECK(find(syntax, "yaml-syntax")->pos.file == "p.yaml");
  CHECK(find(syntax, "yaml-syntax")->pos.line >= 4);

  CHECK(find(diagnose(""), "empty")->str() == "p.yaml:1:1: error[empty]: the pipeline file is empty");
  CHECK(find(diagnose("just a string"), "not-a-mapping")->message ==
        "a pipeline is a mapping with 'name' and 'nodes', got 'just a string'");
  CHECK(find(diagnose("name: x\nnodes: 5\n"), "no-nodes")->str() ==
        "p.yaml:2:8: error[no-nodes]: 'nodes' must be a non-empty list");
  CHECK(find(diagnose("name: x\nnodes:\n  - 7\n"), "bad-node"));
  CHECK(find(diagnose("name: [a]\nnodes:\n  - {id: s, type: t_sink, inputs: {a: b}}\n"), "missing-name"));
  CHECK(find(diagnose("name: x\nnodes:\n  - {id: s, type: t_sink, inputs: {a: b}}\n"), "bad-inputs"));
  CHECK(find(diagnose("name: x\nnodes:\n  - {id: s, type: t_sink, params: [1]}\n"), "bad-params"));
  CHECK(find(diagnose("name: x\nnodes:\n  - {id: 'a.b', type: t_text}\n  - {id: s, type: t_sink, inputs: [a]}\n"), "bad-id"));

  std::string garbage = "name: x\n";
  garbage += std::string("\x00\xff\xfe binary", 10);
  CHECK_THROWS_AS(parse_pipeline_doc(garbage, "g.yaml"), InputError);
  CHECK_THROWS_WITH(parse_pipeline_doc(std::string("\xc3\x28", 2), "g.yaml"),
                    "g.yaml: not a text file (binary or invalid UTF-8 at byte 0)");
  CHECK_THROWS_AS(load_pipeline_doc("/nonexistent/dir/p.yaml"), InputError);
}

TEST_CASE("environment expansion with defaults, and unset variables", "[validate][env]") {
  auto reg = enginetest::test_registry();
  const std::string y = R"(name: ${NAME:-fallback}
nodes:
  - id: src
    type: t_source
    params: {batches: "${N}", rows: "${ROWS:-7}"}
  - id: m
    type: t_map
    inputs: [src]
    params: {label: "cost $$5 in ${CUR}"}
  - id: s
    type: t_sink
    inputs: [m]
)";
  auto opts = env_opts({{"N", "4"}, {"CUR", "EUR"}});
  auto p = resolve_pipeline(parse_pipeline_doc(y, "p.yaml", opts), reg, opts);
  CHECK(p.name == "fallback");
  CHECK(p.find("src")->params.integer("batches") == 4);
  CHECK(p.find("src")->params.integer("rows") == 7);
  CHECK(p.find("m")->params.str("label") == "cost $5 in EUR");

  auto d = diagnose(y, env_opts({{"CUR", "x"}}));
  REQUIRE(find(d, "env"));
  CHECK(find(d, "env")->str() ==
        "p.yaml:5:23: error[env]: environment variable N is not set (write ${N:-default} to give a default)");
}

TEST_CASE("set overrides (--set) change any value, addressing nodes by id", "[validate][set]") {
  auto reg = enginetest::test_registry();
  const std::string y = R"(name: x
nodes:
  - id: src
    type: t_source
    params: {batches: 2}
  - id: m
    type: t_map
    inputs: [src]
  - id: s
    type: t_sink
    inputs: [m]
)";
  auto opts = env_opts({}, {"nodes.src.params.batches=9", "nodes.m.params.tags=[x, y]", "settings.on_error=skip",
                            "nodes.m.concurrency=3", "name=renamed"});
  auto p = resolve_pipeline(parse_pipeline_doc(y, "p.yaml", opts), reg, opts);
  CHECK(p.name == "renamed");
  CHECK(p.find("src")->params.integer("batches") == 9);
  CHECK(p.find("m")->params.list("tags") == std::vector<std::string>{"x", "y"});
  CHECK(p.find("m")->concurrency == 3);
  CHECK(p.settings.get("on_error") == "skip");

  auto d = diagnose(y, env_opts({}, {"nodes.nope.params.x=1", "novalue", "nodes.src.params.batches=abc"}));
  INFO(d.str());
  REQUIRE(d.size() == 3);
  CHECK(d.items()[0].str() == "<command line>: error[bad-set]: --set 'nodes.nope.params.x': no node with id 'nope'");
  CHECK(d.items()[1].str() == "<command line>: error[bad-set]: --set 'novalue': expected path.to.key=value");
  CHECK(d.items()[2].str() == "<command line>: error[param-type]: node 'src': parameter 'batches' expects int, got 'abc'");
}

TEST_CASE("config rendering masks secrets and fills defaults", "[validate][config]") {
  auto reg = enginetest::test_registry();
  auto opts = env_opts({{"PW", "hunter2"}});
  auto doc = parse_pipeline_doc(R"(name: x
settings:
  api_key: abc123
  db: mysql://u:${PW}@h:3306/onet
nodes:
  - id: src
    type: t_source
  - id: m
    type: t_map
    inputs: [src]
    params: {token: s3cret}
  - id: s
    type: t_sink
    inputs: [m]
)",
                                "p.yaml", opts);
  auto p = resolve_pipeline(doc, reg, opts);
  auto text = render_config(doc, reg, &p);
  CHECK(text.find("hunter2") == std::string::npos);
  CHECK(text.find("s3cret") == std::string::npos);
  CHECK(text.find("abc123") == std::string::npos);
  CHECK(text.find("mysql://u:***@h:3306/onet") != std::string::npos);
  CHECK(text.find("batches: 3") != std::string::npos);  // default filled in
  CHECK(common::redact_urls_in("see mysql://root:pw@localhost/db now") == "see mysql://root:***@localhost/db now");
  CHECK(common::redact_urls_in("sqlite:data/onet.db") == "sqlite:data/onet.db");
}

TEST_CASE("registry rejects inconsistent specs", "[registry]") {
  Registry r;
  auto f = [](const NodeContext&) { return std::make_unique<Node>(); };
  r.add(NodeSpec("a").output("o", "x"), f);
  CHECK_THROWS_WITH(r.add(NodeSpec("a"), f), "node type 'a' registered twice");
  CHECK_THROWS_WITH(r.add(NodeSpec("b").param(ParamSpec::integer("p")).param(ParamSpec::str("p")), f),
                    "node type 'b': parameter 'p' declared twice");
  CHECK_THROWS_WITH(r.add(NodeSpec("c").input("x", "a", "", true).input("y", "a"), f),
                    "node type 'c': only the last input may be variadic");
  CHECK(kind_accepts("onet", "onet.table"));
  CHECK_FALSE(kind_accepts("onet.table", "onet"));
  CHECK_FALSE(kind_accepts("onet", "onetx"));
  auto text = describe_node(enginetest::test_registry().find("t_map")->spec);
  CHECK(text.find("mode             enum(fast|slow) default: fast") != std::string::npos);
}

TEST_CASE("recursive and exponential YAML aliases are refused before any walk (fuzz finding)", "[validation]") {
  // An alias inside its own anchor made every walk over the document recurse until the stack
  // overflowed (dagrun crashed on a 60-byte file); aliases of aliases multiply without bound.
  auto cyclic = diagnose("name: a\nx: &n [*n, {id: r, type: t_sink, inputs: [q]}]\nnodes: []\n");
  REQUIRE(find(cyclic, "too-deep"));
  CHECK(find(cyclic, "too-deep")->pos.file == "p.yaml");
  std::string laughs = "name: laughs\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 9; ++i) {
    laughs += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) laughs += (k ? ", *a" : "*a") + std::to_string(i - 1);
    laughs += "]\n";
  }
  laughs += "nodes: *a8\n";
  CHECK(find(diagnose(laughs), "too-large"));
  // Plain anchors and aliases still work.
  CHECK(diagnose("name: ok\nnodes:\n  - {id: s, type: t_source, params: &p {batches: 2}}\n"
                 "  - {id: s2, type: t_source, params: *p}\n  - {id: k, type: t_sink, inputs: [s, s2]}\n")
            .empty());
}

TEST_CASE("declared settings are checked like parameters, with their position", "[validate][settings]") {
  auto reg = enginetest::test_registry();
  reg.add_setting(on_error_setting());
  reg.add_setting(on_error_setting());  // a second node group declaring it the same way
  CHECK_THROWS_AS(reg.add_setting(ParamSpec::one_of("on_error", {"fail", "skip", "retry"})), std::logic_error);
  auto diagnose_with = [&](const std::string& yaml, const LoadOptions& opts) -> Diagnostics {
    try {
      resolve_pipeline(parse_pipeline_doc(yaml, "p.yaml", opts), reg, opts);
    } catch (const PipelineError& e) {
      return e.diagnostics();
    }
    return {};
  };
  const std::string graph = "nodes:\n  - id: src\n    type: t_source\n  - id: out\n    type: t_sink\n    inputs: [src]\n";
  const std::string yaml = "name: s\nsettings:\n  on_error: maybe\n  notes: anything goes here\n" + graph;
  auto d = diagnose_with(yaml, env_opts({}));
  INFO(d.items()[0].str() << " / " << (d.items().size() > 1 ? d.items()[1].str() : ""));
  REQUIRE(d.items().size() == 1);  // `notes` is nobody's setting: free-form, no diagnostic
  const auto& x = d.items()[0];
  CHECK(x.code == "bad-setting");
  CHECK(x.message == "setting 'on_error' expects one of {fail, skip}, got 'maybe'");
  CHECK(x.pos.file == "p.yaml");
  CHECK(x.pos.line == 3);
  CHECK(x.pos.column == 13);
  // The same through --set (dagrun validate --set settings.on_error=maybe said "valid" before).
  const std::string fixed = "name: s\nsettings:\n  on_error: fail\n" + graph;
  CHECK(diagnose_with(fixed, env_opts({})).items().empty());
  auto over = diagnose_with(fixed, env_opts({}, {"settings.on_error=maybe"}));
  REQUIRE(over.items().size() == 1);
  CHECK(over.items()[0].code == "bad-setting");
  // dagrun nodes lists the declared settings after the node types.
  const std::string help = describe_nodes(reg);
  CHECK(help.find("settings (the pipeline's `settings:`") != std::string::npos);
  CHECK(help.find("on_error         enum(fail|skip) default: fail") != std::string::npos);
}

TEST_CASE("a range error prints its bounds as dagrun nodes does", "[validate]") {
  auto d = diagnose(
      "name: r\nnodes:\n  - id: src\n    type: t_source\n    params: {batches: -1}\n  - id: out\n    type: t_sink\n    inputs: "
      "[src]\n");
  const Diagnostic* x = find(d, "param-type", "src");
  REQUIRE(x);
  CHECK(x->message == "parameter 'batches' value -1 is out of range [0, inf]");
}

TEST_CASE("a warning is redacted like an error and printed as one", "[validate]") {
  Diagnostics d;
  d.warn(SourcePos{"p.yaml", 4, 10}, "n", "some-warning", "would reach mysql://root:p@ss:w0rd@db/onet");
  REQUIRE(d.size() == 1);
  const Diagnostic& w = *d.begin();
  CHECK(w.warning);
  CHECK(w.message == "would reach mysql://root:***@db/onet");
  CHECK(w.str() == "p.yaml:4:10: warning[some-warning]: node 'n': would reach mysql://root:***@db/onet");
  d.add(SourcePos{"p.yaml", 5, 1}, "", "some-error", "x");
  CHECK_FALSE(d.items().back().warning);
}

TEST_CASE("an invalid node id quoting ${DATABASE_URL} is masked in its diagnostics (fuzz finding)", "[validate][secrets]") {
  auto d = diagnose("name: x\nnodes:\n  - id: a ${DATABASE_URL}\n    type: t_source\n",
                    env_opts({{"DATABASE_URL", "mysql://user:Tg5mR/Xp9qL@db:1/onet"}}));
  REQUIRE(d.has_code("bad-id"));
  const std::string all = d.str();
  CHECK(all.find("Tg5mR") == std::string::npos);
  CHECK(all.find("Xp9qL") == std::string::npos);
  CHECK(all.find("node 'a mysql://user:***@db:1/onet'") != std::string::npos);
}
