// pipelines/transitions.yaml on the onet_mini fixture: one block per occupation, equal to
// GET /transitions for every source under several option sets; the nodes' errors; files only
// after a successful run; `dagrun nodes` help and validation from the specs.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include "api/app.hpp"
#include "api/api_test_support.hpp"
#include "gap_test_db.hpp"
#include "nodes/gap/transitions_json.hpp"
#include "run_transitions.hpp"
#include "support/test_support.hpp"

using nlohmann::json;
using transitionstest::run_transitions;

namespace {

std::string dagrun(const std::string& args) { return std::string(DAGRUN_BIN) + " " + args; }

const dag::NodeStats& node(const dag::RunReport& r, const std::string& id) {
  for (const auto& n : r.nodes)
    if (n.id == id) return n;
  throw std::runtime_error("no node " + id);
}

// The API's answer for `from` with `query` (options), its result object.
json api_result(api::App& app, const std::string& from, const std::string& query) {
  auto r = app.handle({"GET", "/transitions", "from=" + from + (query.empty() ? "" : "&" + query)});
  INFO(r.body);
  REQUIRE(r.status == 200);
  return json::parse(r.body)["result"];
}

}  // namespace

TEST_CASE("transitions pipeline: one block per occupation, equal to GET /transitions", "[transitions][pipeline]") {
  testing_support::TempDir dir("transpipe");
  const std::string db = apitest::mini_db_url();
  api::App app(apitest::config_for(db));
  app.start();
  std::vector<std::string> all;
  for (const auto& o : app.cache().snapshot()->search("", 100)) all.push_back(o.code);
  std::sort(all.begin(), all.end());

  struct Variant {
    std::vector<std::string> sets;  // --set for the rank node
    std::string query;              // the same options for the API
  };
  const Variant variants[] = {
      {{}, ""},
      {{"nodes.rank.params.limit=2", "nodes.rank.params.job_zone=within1"}, "limit=2&job_zone=within1"},
      {{"nodes.rank.params.domain=all", "nodes.rank.params.exclude_group=true", "nodes.rank.params.source=estimate"},
       "domain=all&exclude_group=true&source=estimate"},
      {{"nodes.rank.params.domain=knowledge", "nodes.rank.params.max_weighted_gap=1.5"}, "domain=knowledge&max_weighted_gap=1.5"},
  };
  for (const auto& v : variants) {
    INFO("options: " << v.query);
    const transitionstest::Outputs out{(dir / "t.tsv").string(), (dir / "t.jsonl").string()};
    auto report = run_transitions(db, out, v.sets);
    INFO(report.error);
    REQUIRE(report.ok);
    CHECK(node(report, "rank").counters.at("ranked") == 8);
    CHECK(node(report, "rank").counters.at("no_ratings") == 0);

    auto lines = transitionstest::read_jsonl(out.jsonl_path);
    REQUIRE(lines.size() == all.size());
    std::size_t targets = 0;
    for (const auto& code : all) {
      INFO(code);
      REQUIRE(lines.count(code));
      CHECK(lines[code] == api_result(app, code, v.query));
      targets += lines[code]["transitions"].size();
    }
    CHECK(node(report, "write").counters.at("rows") == static_cast<std::int64_t>(targets));

    // The TSV: the same rows, one block per source (ranks 1..n), sources by code.
    auto tsv = transitionstest::read_tsv(out.tsv_path);
    CHECK(tsv.header.size() == 18);
    CHECK(gap::transitions_tsv_header().starts_with("from_code\tfrom_title\trank\tto_code"));
    REQUIRE(tsv.rows.size() == targets);
    std::vector<std::string> blocks;
    std::size_t i = 0;
    while (i < tsv.rows.size()) {
      const std::string from = tsv.rows[i]["from_code"];
      CHECK((blocks.empty() || blocks.back() < from));
      blocks.push_back(from);
      const auto& expected = lines[from]["transitions"];
      for (std::size_t k = 0; k < expected.size(); ++k, ++i) {
        REQUIRE(i < tsv.rows.size());
        auto& row = tsv.rows[i];
        CHECK(row["from_code"] == from);
        CHECK(row["from_title"] == lines[from]["from_occupation_title"]);
        CHECK(row["rank"] == std::to_string(k + 1));
        CHECK(row["to_code"] == expected[k]["code"]);
        CHECK(row["to_title"] == expected[k]["title"]);
        CHECK(std::stod(row["score"]) == expected[k]["score"].get<double>());
        CHECK(std::stod(row["weighted_gap"]) == expected[k]["weighted_gap"].get<double>());
        CHECK(std::stoi(row["gap_count"]) == expected[k]["gap_count"].get<int>());
        CHECK(row["estimated"] == (expected[k]["estimated"] == true ? "true" : "false"));
        std::string gaps;
        for (const auto& g : expected[k]["top_gaps"]) {
          std::string gap = g["gap"].dump();
          gaps += (gaps.empty() ? "" : ",") + g["element_id"].get<std::string>() + "=" + gap;
        }
        CHECK(row["top_gaps"] == gaps);
      }
    }
    std::set<std::string> with_targets;
    for (const auto& code : all)
      if (!lines[code]["transitions"].empty()) with_targets.insert(code);
    CHECK(std::set<std::string>(blocks.begin(), blocks.end()) == with_targets);
  }
}

TEST_CASE("transitions pipeline: sources without values are left out and counted", "[transitions][pipeline]") {
  testing_support::TempDir dir("transpipe");
  const transitionstest::Outputs out{(dir / "t.tsv").string(), (dir / "t.jsonl").string()};
  auto report = run_transitions(apitest::mini_db_url(), out, {"nodes.rank.params.source=onet"});
  REQUIRE(report.ok);
  // 29-9901.00 (knowledge only) and 47-9901.00 (nothing) have no O*NET skill ratings.
  CHECK(node(report, "rank").counters.at("no_ratings") == 2);
  auto lines = transitionstest::read_jsonl(out.jsonl_path);
  CHECK(lines.size() == 6);
  CHECK(lines.count("29-9901.00") == 0);
  CHECK(lines.count("47-9901.00") == 0);

  auto some = run_transitions(apitest::mini_db_url(), out, {"nodes.rank.params.codes=[15-9901, 11-9902.00]"});
  REQUIRE(some.ok);
  lines = transitionstest::read_jsonl(out.jsonl_path);
  CHECK(lines.size() == 2);
  CHECK(lines.count("15-9901.00") == 1);
  CHECK(lines.count("11-9902.00") == 1);
}

TEST_CASE("transitions pipeline: failures write nothing and name the cause", "[transitions][pipeline]") {
  testing_support::TempDir dir("transpipe");
  const transitionstest::Outputs out{(dir / "t.tsv").string(), (dir / "t.jsonl").string()};
  testing_support::write_file(out.tsv_path, "previous tsv\n");
  testing_support::write_file(out.jsonl_path, "previous jsonl\n");

  // A database with the schema but no completed load run.
  const std::string empty = "sqlite:" + (dir / "empty.db").string();
  gaptest::exec_sql(empty, {});
  auto r = run_transitions(empty, out);
  CHECK_FALSE(r.ok);
  CHECK(r.error.find("node 'snapshot' (profile_snapshot)") != std::string::npos);
  CHECK(r.error.find("no completed load run") != std::string::npos);

  auto bad = run_transitions(apitest::mini_db_url(), out, {"nodes.rank.params.codes=[15-9901.00, nonsense]"});
  CHECK_FALSE(bad.ok);
  CHECK(bad.error.find("parameter 'codes': 'nonsense' is not an O*NET-SOC code") != std::string::npos);
  auto unknown = run_transitions(apitest::mini_db_url(), out, {"nodes.rank.params.codes=[99-9999.00]"});
  CHECK_FALSE(unknown.ok);
  CHECK(unknown.error.find("occupation 99-9999.00 is not in load run") != std::string::npos);

  CHECK(testing_support::read_file(out.tsv_path) == "previous tsv\n");
  CHECK(testing_support::read_file(out.jsonl_path) == "previous jsonl\n");
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("transitions pipeline: dagrun help, validation and a real run", "[transitions][pipeline][cli]") {
  std::string out;
  CHECK(testing_support::run_command(dagrun("nodes"), out) == 0);
  for (const char* t : {"profile_snapshot", "transitions_rank", "transitions_write"}) CHECK(out.find(t) != std::string::npos);
  CHECK(testing_support::run_command(dagrun("nodes transitions_rank"), out) == 0);
  for (const char* p : {"limit", "domain", "job_zone", "max_weighted_gap", "exclude_group", "source", "codes", "chunk",
                        "gap.snapshot", "transitions.result", "[1, 100]", "enum(skills|knowledge|all)"}) {
    INFO(p << " in:\n" << out);
    CHECK(out.find(p) != std::string::npos);
  }
  CHECK(testing_support::run_command(dagrun("nodes transitions_write"), out) == 0);
  CHECK(out.find("jsonl") != std::string::npos);
  CHECK(testing_support::run_command(dagrun("validate pipelines/transitions.yaml"), out) == 0);
  CHECK(testing_support::run_command(dagrun("validate pipelines/transitions.yaml --set nodes.rank.params.limit=0"), out) == 2);
  CHECK(out.find("error[param-type]: node 'rank': parameter 'limit' value 0 is out of range") != std::string::npos);
  CHECK(testing_support::run_command(dagrun("validate pipelines/transitions.yaml --set nodes.rank.params.job_zone=sideways"),
                                     out) == 2);

  testing_support::TempDir dir("transcli");
  const std::string tsv = (dir / "out" / "t.tsv").string(), jsonl = (dir / "out" / "t.jsonl").string();
  const int rc = testing_support::run_command(
      "DATABASE_URL='" + apitest::mini_db_url() + "' " +
          dagrun("run pipelines/transitions.yaml --set nodes.rank.params.limit=3 --set nodes.write.params.tsv=" + tsv +
                 " --set nodes.write.params.jsonl=" + jsonl),
      out);
  INFO(out);
  CHECK(rc == 0);
  auto lines = transitionstest::read_jsonl(jsonl);
  CHECK(lines.size() == 8);
  for (const auto& [code, j] : lines) CHECK(j["count"].get<int>() <= 3);
  CHECK(transitionstest::read_tsv(tsv).rows.size() > 0);
}
