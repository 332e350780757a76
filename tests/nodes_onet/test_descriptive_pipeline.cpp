// The nine descriptive tables through the real engine: source -> onet_table -> onet_validate:
// every table forwarded after the tables it points into, an older copy without them loads with
// one log line per table, and each table's bad inputs (header changed, unknown occupation code or
// element, duplicate key, cut file) fail the run with the exact file:line error.
#include <catch2/catch.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "nodes/onet/batches.hpp"
#include "nodes/onet/table_shapes.hpp"
#include "onet_test_util.hpp"
#include "tests/nodes_onet/bad_inputs.hpp"

using namespace onet;
using onettest::Run;
using testing_support::read_file;
using testing_support::TempDir;
using testing_support::write_file;
namespace fs = std::filesystem;

namespace {

struct Reader {
  std::string id, table;
};
// Referring tables listed before their references among validate's inputs, so they really
// arrive first and must be held back.
// (Node ids as in pipelines/full.yaml.)
const std::vector<Reader> kReaders = {
    {"ete", "Education, Training, and Experience"},
    {"job_zones", "Job Zones"},
    {"tasks", "Task Statements"},
    {"alternate_titles", "Alternate Titles"},
    {"reported_titles", "Sample of Reported Titles"},
    {"anchors", "Level Scale Anchors"},
    {"technology", "Technology Skills"},
    {"skills", "Skills"},
    {"knowledge", "Knowledge"},
    {"ete_categories", "Education, Training, and Experience Categories"},
    {"job_zone_reference", "Job Zone Reference"},
    {"occ", "Occupation Data"},
    {"cmr", "Content Model Reference"},
    {"scales", "Scales Reference"},
};

std::string pipeline(const std::string& location, const fs::path& tmp) {
  std::string y = R"(name: onet_descriptive
nodes:
  - {id: src, type: onet_source, params: {location: ")" +
                  location + R"(", release: "0.0-mini", cache_dir: ")" + (tmp / "cache").string() + R"("}}
)";
  std::string inputs;
  for (const auto& r : kReaders) {
    // Optional, as in pipelines/full.yaml; small chunks so that tables interleave.
    y += "  - {id: " + r.id + ", type: onet_table, inputs: [src], params: {table: \"" + r.table +
         "\", chunk_rows: 4, required: false}}\n";
    inputs += (inputs.empty() ? "" : ", ") + r.id;
  }
  y += "  - {id: validate, type: onet_validate, inputs: [" + inputs + "], params: {rejects_path: \"" +
       (tmp / "out" / "rejects.tsv").string() + "\"}}\n";
  y += "  - {id: sink, type: t_collect, inputs: [validate]}\n";
  return y;
}

std::string run_error(const std::string& yaml) {
  Run r = onettest::run_yaml(yaml);
  if (r.report.ok) return "(run ok)";
  CHECK(r.collected->commits == 0);
  return r.report.error;
}

std::string invalid(const std::string& problem, const fs::path& tmp) {
  return "node 'validate' (onet_validate): 1 invalid row(s):\n  " + problem +
         "\n(with on_error: skip they would be dropped and listed in " + (tmp / "out" / "rejects.tsv").string() + ")";
}

const std::vector<std::string>& kDescriptive = onettest::descriptive_tables();

}  // namespace

TEST_CASE("descriptive tables: the fixture flows through validate, each table after its references", "[onet][pipeline]") {
  TempDir tmp("onet-desc");
  Run r = onettest::run_yaml(pipeline(onettest::fixture_dir().string(), tmp.path()));
  INFO(r.report.error);
  REQUIRE(r.report.ok);
  CHECK(onettest::stats(r.report, "validate").counters.at("rejected_rows") == 0);

  std::map<std::string, std::size_t> rows, lasts;
  std::map<std::string, std::size_t> last_at;  // table -> index of its last chunk
  bool in_order = true;
  for (std::size_t i = 0; i < r.collected->batches.size(); ++i) {
    auto t = std::dynamic_pointer_cast<const TableBatch>(r.collected->batches[i]);
    if (!t) continue;
    rows[t->table] += t->rows();
    for (auto ref : references_of(t->table)) {
      if (!last_at.count(std::string(ref))) {
        in_order = false;
        WARN(t->table << " chunk at " << i << " before the end of " << ref);
      }
    }
    if (t->last) {
      ++lasts[t->table];
      last_at[t->table] = i;
    }
  }
  CHECK(in_order);
  CHECK(rows == std::map<std::string, std::size_t>{{"Occupation Data", 8},
                                                   {"Content Model Reference", 29},
                                                   {"Scales Reference", 7},
                                                   {"Skills", 96},
                                                   {"Knowledge", 40},
                                                   {"Task Statements", 12},
                                                   {"Alternate Titles", 12},
                                                   {"Sample of Reported Titles", 7},
                                                   {"Job Zone Reference", 5},
                                                   {"Job Zones", 7},
                                                   {"Level Scale Anchors", 9},
                                                   {"Technology Skills", 12},
                                                   {"Education, Training, and Experience Categories", 6},
                                                   {"Education, Training, and Experience", 21}});
  for (const auto& [table, n] : lasts) {
    INFO(table);
    CHECK(n == 1);
  }
  CHECK(lasts.size() == rows.size());
}

TEST_CASE("descriptive tables: an older copy without them loads, one log line per table", "[onet][pipeline]") {
  TempDir tmp("onet-desc-old");
  auto dir = onettest::copy_fixture(tmp.path(), "rel");
  for (const auto& t : kDescriptive) fs::remove(dir / file_name_of(t));

  // The engine gives each node a clone of spdlog's default logger: capture it for this run.
  std::ostringstream log;
  auto previous = spdlog::default_logger();
  auto capture = std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  capture->set_level(spdlog::level::info);
  spdlog::set_default_logger(capture);
  Run r = onettest::run_yaml(pipeline(dir.string(), tmp.path()));
  spdlog::set_default_logger(previous);

  INFO(r.report.error);
  REQUIRE(r.report.ok);
  const std::string text = log.str();
  for (const auto& t : kDescriptive) {
    INFO(t);
    const std::string line = "optional table '" + t + "' is not in folder " + dir.string() + "; skipped";
    const auto at = text.find(line);
    CHECK(at != std::string::npos);
    CHECK(text.find(line, at + 1) == std::string::npos);  // once
  }
  std::size_t skills = 0;
  for (const auto& b : r.collected->batches) {
    if (auto t = std::dynamic_pointer_cast<const TableBatch>(b)) {
      CHECK(std::find(kDescriptive.begin(), kDescriptive.end(), t->table) == kDescriptive.end());
      skills += t->table == "Skills" ? t->rows() : 0;
    }
  }
  CHECK(skills == 96);
}

TEST_CASE("descriptive tables: a table without the table it points into fails with a clear message", "[onet][pipeline]") {
  TempDir tmp("onet-desc-noref");
  auto dir = onettest::copy_fixture(tmp.path(), "rel");
  fs::remove(dir / "Job Zone Reference.txt");
  fs::remove(dir / "Education, Training, and Experience Categories.txt");
  CHECK(run_error(pipeline(dir.string(), tmp.path())) ==
        "node 'validate' (onet_validate): cannot check table(s) 'Education, Training, and Experience', 'Job Zones': "
        "reference table(s) 'Education, Training, and Experience Categories', 'Job Zone Reference' never arrived "
        "complete; wire an onet_table node for each into this node");
}

TEST_CASE("descriptive tables: bad inputs give exact run errors", "[onet][pipeline]") {
  const auto cases = onettest::descriptive_bad_inputs();
  REQUIRE(cases.size() == 9 * 4);
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.table << ": " << c.kind) {
      TempDir tmp("onet-desc-bad");
      auto dir = onettest::copy_fixture(tmp.path(), "rel");
      write_file(dir / file_name_of(c.table), c.content);
      const std::string error = run_error(pipeline(dir.string(), tmp.path()));
      if (c.from_reader) {
        CHECK(error == "node '" + c.node + "' (onet_table): " + c.problem);
      } else if (c.kind == "duplicate key") {
        CHECK_THAT(error, Catch::StartsWith("node 'validate' (onet_validate): 1 invalid row(s):\n  " + c.problem + " ") &&
                              Catch::Contains("(first at line 2)\n(with on_error: skip"));
      } else {
        CHECK(error == invalid(c.problem, tmp.path()));
      }
    }
  }
}

namespace {

// "Job Zones.txt:9: reason" -> the start of its rejects.tsv line, "Job Zones.txt\t9\treason\t".
std::string rejects_line_start(const std::string& problem) {
  const auto colon = problem.find(".txt:") + 4;
  const auto second = problem.find(": ", colon + 1);
  return problem.substr(0, colon) + "\t" + problem.substr(colon + 1, second - colon - 1) + "\t" + problem.substr(second + 2) +
         "\t";
}

std::string with_skip(std::string yaml) { return yaml.replace(yaml.find("nodes:"), 6, "settings: {on_error: skip}\nnodes:"); }

}  // namespace

TEST_CASE("descriptive tables: with on_error=skip each bad row goes to rejects.tsv and the rest loads; a bad file still fails",
          "[onet][pipeline]") {
  const auto cases = onettest::descriptive_bad_inputs();
  std::map<std::string, std::size_t> fixture_rows;
  {
    TempDir tmp("onet-desc-skip-base");
    Run r = onettest::run_yaml(pipeline(onettest::fixture_dir().string(), tmp.path()));
    REQUIRE(r.report.ok);
    for (const auto& b : r.collected->batches)
      if (auto t = std::dynamic_pointer_cast<const TableBatch>(b)) fixture_rows[t->table] += t->rows();
  }
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.table << ": " << c.kind) {
      TempDir tmp("onet-desc-skip");
      auto dir = onettest::copy_fixture(tmp.path(), "rel");
      write_file(dir / file_name_of(c.table), c.content);
      Run r = onettest::run_yaml(with_skip(pipeline(dir.string(), tmp.path())));
      if (c.from_reader) {
        // A changed header or a file cut short is the file's fault, not a row's: no policy skips it.
        CHECK(r.report.error == "node '" + c.node + "' (onet_table): " + c.problem);
        CHECK(r.collected->commits == 0);
        continue;
      }
      INFO(r.report.error);
      REQUIRE(r.report.ok);
      CHECK(r.collected->commits == 1);
      const std::string rejects = read_file(tmp.path() / "out" / "rejects.tsv");
      INFO(rejects);
      CHECK(rejects.starts_with("file\tline\treason\tkey\n"));
      std::string line = "\n" + rejects_line_start(c.problem);
      if (c.kind == "duplicate key") line.pop_back();  // "duplicate (key ...) (first at line 2)"
      CHECK(rejects.find(line) != std::string::npos);
      std::map<std::string, std::size_t> rows;
      for (const auto& b : r.collected->batches)
        if (auto t = std::dynamic_pointer_cast<const TableBatch>(b)) rows[t->table] += t->rows();
      CHECK(rows.at(c.table) == fixture_rows.at(c.table));  // the appended bad row dropped, the rest all there
    }
  }
}
