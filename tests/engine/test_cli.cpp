// The dagrun command line: exit codes and outputs, run as a real process.
#include <catch2/catch.hpp>

#include "support/test_support.hpp"

using testing_support::run_command;
using testing_support::TempDir;
using testing_support::write_file;

namespace {
std::string dagrun(const std::string& args) { return std::string(DAGRUN_BIN) + " " + args; }
const char* kSmall =
    "name: small\nnodes:\n  - {id: request, type: request}\n  - {id: pair, type: join, inputs: [request]}\n  - {id: out, type: "
    "discard, inputs: [pair]}\n";
}  // namespace

TEST_CASE("validate exit codes: 0 valid, 2 invalid, 3 unreadable", "[cli]") {
  TempDir dir("cli");
  write_file(dir / "good.yaml", kSmall);
  write_file(dir / "bad.yaml", "name: bad\nnodes:\n  - {id: a, type: nosuch}\n");
  write_file(dir / "syntax.yaml", "name: [\n");
  write_file(dir / "binary.yaml", std::string("\x00\x01\x02", 3));
  std::string out;
  CHECK(run_command(dagrun("validate " + (dir / "good.yaml").string()), out) == 0);
  CHECK(out.find("valid (3 nodes)") != std::string::npos);
  CHECK(run_command(dagrun("validate " + (dir / "bad.yaml").string()), out) == 2);
  CHECK(out.find("bad.yaml:3:19: error[unknown-type]: node 'a': unknown node type 'nosuch'") != std::string::npos);
  CHECK(run_command(dagrun("validate " + (dir / "syntax.yaml").string()), out) == 2);
  CHECK(out.find("error[yaml-syntax]") != std::string::npos);
  CHECK(run_command(dagrun("validate " + (dir / "missing.yaml").string()), out) == 3);
  CHECK(out.find("cannot open pipeline file") != std::string::npos);
  CHECK(run_command(dagrun("validate " + (dir / "binary.yaml").string()), out) == 3);
  CHECK(run_command(dagrun("validate --no-such-flag x.yaml"), out) == 64);
  CHECK(run_command(dagrun("frobnicate"), out) == 3);  // taken as a pipeline path: unreadable
  CHECK(run_command(dagrun("--help"), out) == 0);
  CHECK(out.find("validate") != std::string::npos);
}

TEST_CASE("validate prints a request pipeline's warnings and still exits 0", "[cli]") {
  TempDir dir("cli");
  write_file(dir / "serial.yaml",
             "name: serial\nnodes:\n  - {id: request, type: request}\n  - {id: pair, type: join, inputs: [request]}\n"
             "  - {id: respond, type: respond, inputs: [pair], concurrency: unlimited}\n");
  std::string out;
  CHECK(run_command(dagrun("validate " + (dir / "serial.yaml").string()), out) == 0);
  CHECK(out.find("serial.yaml:4:10: warning[serial-request-node]: node 'pair': runs one request at a time") != std::string::npos);
  CHECK(out.find("node 'respond'") == std::string::npos);  // its concurrency is set
  CHECK(out.find("valid (3 nodes)") != std::string::npos);
  // graph, config and run print no warnings: their outputs stay as they were.
  REQUIRE(run_command(dagrun("graph " + (dir / "serial.yaml").string()), out) == 0);
  CHECK(out.find("warning") == std::string::npos);
}

TEST_CASE("graph prints Mermaid and DOT", "[cli]") {
  TempDir dir("cli");
  write_file(dir / "good.yaml", kSmall);
  std::string out;
  REQUIRE(run_command(dagrun("graph " + (dir / "good.yaml").string()), out) == 0);
  CHECK(out ==
        "flowchart LR\n"
        "  request[\"request<br/><i>request</i>\"]\n"
        "  pair[\"pair<br/><i>join</i>\"]\n"
        "  out[\"out<br/><i>discard</i>\"]\n"
        "  request -->|any| pair\n"
        "  pair -->|tuple| out\n");
  REQUIRE(run_command(dagrun("graph --format dot " + (dir / "good.yaml").string()), out) == 0);
  CHECK(out.find("\"request\" -> \"pair\" [label=\"any\"];") != std::string::npos);
  CHECK(out.rfind("digraph \"small\" {", 0) == 0);
}

TEST_CASE("run prints a per-node summary and --json, and nodes lists types", "[cli]") {
  TempDir dir("cli");
  write_file(dir / "good.yaml", kSmall);
  std::string out;
  REQUIRE(run_command(dagrun((dir / "good.yaml").string() + " --json " + (dir / "r.json").string()), out) == 0);
  CHECK(out.find("succeeded in") != std::string::npos);
  auto json = testing_support::read_file(dir / "r.json");
  CHECK(json.find("\"pipeline\": \"small\"") != std::string::npos);
  CHECK(json.find("\"status\": \"ok\"") != std::string::npos);
  REQUIRE(run_command(dagrun("nodes"), out) == 0);
  CHECK(out.find("join") != std::string::npos);
  REQUIRE(run_command(dagrun("nodes join"), out) == 0);
  CHECK(out.find("parts          any (one or more)") != std::string::npos);
  CHECK(run_command(dagrun("nodes nosuch"), out) == 64);
  REQUIRE(run_command(dagrun("config " + (dir / "good.yaml").string() + " --set name=other"), out) == 0);
  CHECK(out.find("name: other") != std::string::npos);
}
