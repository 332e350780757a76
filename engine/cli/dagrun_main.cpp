// dagrun: validate, inspect and run pipeline files.
// Exit codes: 0 ok, 1 the run failed, 2 invalid pipeline, 3 unreadable input, 64 usage error.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "common/main_guard.hpp"
#include "engine/parallelism.hpp"
#include "engine/pipeline.hpp"
#include "engine/registry.hpp"
#include "engine/runner.hpp"

namespace {

enum Exit { kOk = 0, kRunFailed = 1, kInvalid = 2, kUnreadable = 3, kUsage = 64 };

std::string progress_line(const std::vector<dag::NodeStats>& nodes, double elapsed) {
  std::size_t done = 0;
  std::string active;
  std::uint64_t rows = 0;
  for (const auto& n : nodes) {
    if (n.status == dag::NodeStatus::Ok) ++done;
    if (n.status == dag::NodeStatus::Running) {
      active += (active.empty() ? "" : ", ") + n.id;
      rows += n.rows_in + (n.rows_in == 0 ? n.rows_out : 0);
    }
  }
  auto line = fmt::format("[{:>6.1f}s] {}/{} nodes done; running: {} ({} rows)", elapsed, done, nodes.size(),
                          active.empty() ? "-" : active, rows);
  if (line.size() > 118) line = line.substr(0, 115) + "...";
  return line;
}

struct Common {
  std::string file;
  std::vector<std::string> sets;
};

dag::LoadOptions load_options(const Common& c) {
  dag::LoadOptions o;
  o.overrides = c.sets;
  return o;
}

// Loads + validates, printing diagnostics; returns an exit code on failure.
std::optional<int> load(const Common& c, const dag::Registry& reg, dag::PipelineDoc& doc, dag::ResolvedPipeline& p) {
  try {
    doc = dag::load_pipeline_doc(c.file, load_options(c));
    p = dag::resolve_pipeline(doc, reg, load_options(c));
    return std::nullopt;
  } catch (const dag::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kUnreadable;
  } catch (const dag::PipelineError& e) {
    std::cerr << e.diagnostics().str();
    std::cerr << c.file << ": invalid pipeline (" << e.diagnostics().size() << " error"
              << (e.diagnostics().size() == 1 ? "" : "s") << ")\n";
    return kInvalid;
  }
}

void add_common(CLI::App* app, Common& c) {
  app->add_option("pipeline", c.file, "Pipeline YAML file")->required();
  app->add_option("--set", c.sets, "Override a value: path.to.key=value (nodes are addressed by id), repeatable")
      ->type_name("KEY=VALUE");
}

// main()'s body; main() adds the last catch (common/main_guard.hpp).
int run(int argc, char** argv) {
  auto logger = spdlog::stderr_color_mt("dagrun");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%^%l%$] [%n] %v");

  dag::Registry reg;
  dag::register_all_nodes(reg);

  CLI::App app{
      "dagrun — run data pipelines described in YAML as oneTBB flow graphs.\n"
      "  dagrun PIPELINE.yaml        same as `dagrun run PIPELINE.yaml`\n"
      "Exit codes: 0 ok, 1 run failed, 2 invalid pipeline, 3 unreadable input, 64 usage error."};
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error|off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));

  Common run_c, val_c, graph_c, cfg_c;
  std::string json_out, format = "mermaid";
  bool no_progress = false;
  std::size_t max_in_flight = 8;
  auto* run = app.add_subcommand("run", "Validate and run a pipeline; prints a per-node summary");
  add_common(run, run_c);
  run->add_option("--json", json_out, "Also write the run summary as JSON to FILE ('-' for stdout)");
  run->add_flag("--no-progress", no_progress, "No live progress line even on a terminal");
  run->add_option("--max-in-flight", max_in_flight, "Batches a node may have in flight downstream")
      ->check(CLI::Range(1, 1 << 20));
  auto* validate = app.add_subcommand("validate", "Check a pipeline without running it (exit 0 valid, 2 invalid, 3 unreadable)");
  add_common(validate, val_c);
  auto* graph = app.add_subcommand("graph", "Print the pipeline DAG as Mermaid or Graphviz DOT");
  add_common(graph, graph_c);
  graph->add_option("--format", format, "mermaid | dot")->check(CLI::IsMember({"mermaid", "dot"}));
  auto* config =
      app.add_subcommand("config", "Print the resolved pipeline (env expanded, --set applied, defaults filled, secrets masked)");
  add_common(config, cfg_c);
  std::string node_type;
  auto* nodes = app.add_subcommand("nodes", "List node types, or describe one with its parameters");
  nodes->add_option("type", node_type, "Node type to describe");

  // `dagrun file.yaml ...` is shorthand for `dagrun run file.yaml ...`.
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0].size() > 0 && args[0][0] != '-' &&
      !(args[0] == "run" || args[0] == "validate" || args[0] == "graph" || args[0] == "config" || args[0] == "nodes" ||
        args[0] == "help")) {
    args.insert(args.begin(), "run");
  }
  std::reverse(args.begin(), args.end());
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kUsage;
  }
  spdlog::set_level(spdlog::level::from_str(log_level));

  dag::PipelineDoc doc;
  dag::ResolvedPipeline p;
  if (*nodes) {
    if (node_type.empty()) {
      std::cout << "Node types (dagrun nodes TYPE for parameters):\n" << dag::describe_nodes(reg);
      return kOk;
    }
    const auto* e = reg.find(node_type);
    if (!e) {
      auto hint = dag::closest_match(node_type, reg.types());
      std::cerr << "error: unknown node type '" << node_type << "'" << (hint.empty() ? "" : " (did you mean '" + hint + "'?)")
                << "\n";
      return kUsage;
    }
    std::cout << dag::describe_node(e->spec);
    return kOk;
  }
  if (*validate) {
    if (auto rc = load(val_c, reg, doc, p)) return *rc;
    // Warnings leave the pipeline valid (exit 0); only validate prints them, so graph, config and
    // run outputs stay as they are.
    for (const auto& w : p.warnings) std::cerr << w.str() << "\n";
    std::cout << val_c.file << ": valid (" << p.nodes.size() << " nodes)\n";
    return kOk;
  }
  if (*graph) {
    if (auto rc = load(graph_c, reg, doc, p)) return *rc;
    std::cout << (format == "dot" ? dag::render_dot(p) : dag::render_mermaid(p));
    return kOk;
  }
  if (*config) {
    if (auto rc = load(cfg_c, reg, doc, p)) return *rc;
    std::cout << dag::render_config(doc, reg, &p);
    return kOk;
  }

  if (auto rc = load(run_c, reg, doc, p)) return *rc;
  const bool tty = isatty(STDERR_FILENO) && !no_progress;
  dag::RunOptions opts;
  opts.max_in_flight = max_in_flight;
  const auto t0 = std::chrono::steady_clock::now();
  if (tty) {
    opts.on_progress = [&](const std::vector<dag::NodeStats>& s) {
      double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::fprintf(stderr, "\r\033[K%s", progress_line(s, el).c_str());
      std::fflush(stderr);
    };
  }
  opts.on_node_done = [&](const dag::NodeStats& s) {
    if (tty) std::fprintf(stderr, "\r\033[K");
    if (s.status == dag::NodeStatus::Failed)
      spdlog::error("node {} ({}) failed after {:.3f}s: {}", s.id, s.type, s.seconds, s.error);
    else
      spdlog::info("node {} ({}) done: {} rows in, {} rows out, {:.3f}s", s.id, s.type, s.rows_in, s.rows_out, s.seconds);
  };
  // The process owns oneTBB's parallelism, sized for the one pipeline it runs.
  dag::Parallelism parallelism(dag::threads_for_batch(p));
  spdlog::info("running pipeline '{}' from {} ({} nodes)", p.name, p.file, p.nodes.size());
  dag::Resources resources;
  auto report = dag::run_pipeline(p, reg, resources, opts);
  if (tty) std::fprintf(stderr, "\r\033[K");
  std::cout << report.to_table();
  if (!json_out.empty()) {
    if (json_out == "-") {
      std::cout << report.to_json() << "\n";
    } else {
      std::ofstream out(json_out);
      out << report.to_json() << "\n";
      if (!out) spdlog::error("cannot write {}", json_out);
    }
  }
  if (!report.ok) {
    spdlog::error("pipeline '{}' failed: {}", p.name, report.error);
    return kRunFailed;
  }
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  return common::guarded_main("dagrun", kRunFailed, [&] { return run(argc, argv); });
}
