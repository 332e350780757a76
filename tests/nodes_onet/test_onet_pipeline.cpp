// The three O*NET node types run through the real engine: what onet_validate forwards and in
// which order, on_error fail vs skip (with the rejects file), and every bad input of issue 3
// with the exact error of the run.
#include <catch2/catch.hpp>

#include <map>

#include "engine/pipeline.hpp"
#include "nodes/onet/batches.hpp"
#include "onet_test_util.hpp"

using namespace onet;
using onettest::Run;
using onettest::stats;
using testing_support::read_file;
using testing_support::TempDir;
namespace fs = std::filesystem;

namespace {

// Ratings listed first among validate's inputs, so they really arrive before the references.
std::string pipeline(const std::string& location, const fs::path& tmp, const std::string& extra_settings = "") {
  return R"(name: onet_test
settings: {)" +
         extra_settings + R"(}
nodes:
  - {id: src, type: onet_source, params: {location: ")" +
         location + R"(", release: "0.0-mini", cache_dir: ")" + (tmp / "cache").string() + R"("}}
  - {id: skills, type: onet_table, inputs: [src], params: {table: Skills, chunk_rows: 10}}
  - {id: knowledge, type: onet_table, inputs: [src], params: {table: Knowledge, chunk_rows: 7}}
  - {id: abilities, type: onet_table, inputs: [src], params: {table: Abilities, required: false}}
  - {id: occ, type: onet_table, inputs: [src], params: {table: Occupation Data, chunk_rows: 3}}
  - {id: cmr, type: onet_table, inputs: [src], params: {table: Content Model Reference}}
  - {id: scales, type: onet_table, inputs: [src], params: {table: Scales Reference}}
  - {id: validate, type: onet_validate, inputs: [skills, knowledge, abilities, occ, cmr, scales],
     params: {rejects_path: ")" +
         (tmp / "out" / "rejects.tsv").string() + R"("}}
  - {id: sink, type: t_collect, inputs: [validate]}
)";
}

struct Summary {
  int releases = 0;
  std::map<std::string, std::size_t> rows, lasts;
  bool refs_before_ratings = true;
  bool release_first = false;
};

Summary summarize(const onettest::Collected& c) {
  Summary s;
  bool rating_seen = false;
  std::map<std::string, bool> ref_done;
  for (std::size_t i = 0; i < c.batches.size(); ++i) {
    const auto& b = c.batches[i];
    if (auto r = std::dynamic_pointer_cast<const ReleaseBatch>(b)) {
      ++s.releases;
      if (i == 0) s.release_first = true;
      continue;
    }
    auto t = std::dynamic_pointer_cast<const TableBatch>(b);
    REQUIRE(t);
    s.rows[t->table] += t->rows();
    s.lasts[t->table] += t->last;
    bool rating = !t->ratings.empty() || t->table == "Skills" || t->table == "Knowledge";
    if (rating) {
      rating_seen = true;
      if (ref_done.size() < 3) s.refs_before_ratings = false;
    } else {
      if (rating_seen) s.refs_before_ratings = false;
      if (t->last) ref_done[t->table] = true;
    }
  }
  return s;
}

std::string run_error(const std::string& yaml) {
  Run r = onettest::run_yaml(yaml);
  if (r.report.ok) return "(run ok)";
  CHECK(r.collected->commits == 0);
  return r.report.error;
}

}  // namespace

TEST_CASE("fixture release flows source -> tables -> validate in the documented order", "[onet][pipeline]") {
  TempDir tmp("onet-pipe");
  Run r = onettest::run_yaml(pipeline(onettest::fixture_dir().string(), tmp.path()));
  INFO(r.report.error);
  REQUIRE(r.report.ok);
  CHECK(r.collected->commits == 1);
  Summary s = summarize(*r.collected);
  CHECK(s.releases == 1);
  CHECK(s.release_first);
  CHECK(s.refs_before_ratings);
  CHECK(s.rows ==
        std::map<std::string, std::size_t>{
            {"Content Model Reference", 29}, {"Knowledge", 40}, {"Occupation Data", 8}, {"Scales Reference", 7}, {"Skills", 96}});
  CHECK(s.lasts ==
        std::map<std::string, std::size_t>{
            {"Content Model Reference", 1}, {"Knowledge", 1}, {"Occupation Data", 1}, {"Scales Reference", 1}, {"Skills", 1}});
  auto release = std::dynamic_pointer_cast<const ReleaseBatch>(r.collected->batches.front());
  REQUIRE(release);
  CHECK(release->release == "0.0-mini");
  CHECK(release->checksum.size() == 64);
  CHECK(stats(r.report, "validate").counters.at("rejected_rows") == 0);
  CHECK(stats(r.report, "validate").counters.at("checked_rows") == 180);  // 8 + 29 + 7 + 96 + 40
  CHECK(stats(r.report, "skills").batches_out == 10);
  CHECK(stats(r.report, "abilities").rows_out == 0);     // not in the fixture, not required
  CHECK_FALSE(fs::exists(tmp / "out" / "rejects.tsv"));  // on_error=fail writes no rejects file
}

TEST_CASE("a release wired straight into onet_validate is still forwarded once and first", "[onet][pipeline]") {
  TempDir tmp("onet-pipe2");
  std::string yaml = pipeline(onettest::fixture_dir().string(), tmp.path());
  yaml.replace(yaml.find("inputs: [skills,"), 16, "inputs: [src, skills,");
  Run r = onettest::run_yaml(yaml);
  INFO(r.report.error);
  REQUIRE(r.report.ok);
  Summary s = summarize(*r.collected);
  CHECK(s.releases == 1);
  CHECK(s.release_first);
  CHECK(s.refs_before_ratings);
}

TEST_CASE("on_error fail vs skip", "[onet][pipeline]") {
  TempDir tmp("onet-policy");
  auto dir = onettest::copy_fixture(tmp.path(), "rel");
  // Skills line 4 (an IM row) out of range, line 9 a duplicate of line 8, Knowledge line 3 an
  // unknown code, Skills line 12 not a number (a reader problem).
  std::string skills = read_file(dir / "Skills.txt");
  auto line_of = [&](const std::string& text, int n) {
    std::size_t p = 0;
    for (int i = 1; i < n; ++i) p = text.find('\n', p) + 1;
    return text.substr(p, text.find('\r', p) - p);
  };
  std::string l4 = line_of(skills, 4), l8 = line_of(skills, 8), l12 = line_of(skills, 12);
  std::string kn3 = line_of(read_file(dir / "Knowledge.txt"), 3);
  auto set_field = [](std::string line, int field, const std::string& v) {
    std::size_t b = 0;
    for (int i = 0; i < field; ++i) b = line.find('\t', b) + 1;
    return line.replace(b, line.find('\t', b) - b, v);
  };
  onettest::replace_line(dir / "Skills.txt", 4, set_field(l4, 4, "5.50"));
  onettest::replace_line(dir / "Skills.txt", 9, l8);
  onettest::replace_line(dir / "Skills.txt", 12, set_field(l12, 4, "4,20"));
  onettest::replace_line(dir / "Knowledge.txt", 3, set_field(kn3, 0, "99-0000.00"));

  SECTION("fail (default): the reader stops at the unparsable row") {
    CHECK(run_error(pipeline(dir.string(), tmp.path())) ==
          "node 'skills' (onet_table): Skills.txt:12: column 'Data Value': '4,20' is not a number");
  }
  SECTION("fail: validation lists every problem, sorted, with the total") {
    onettest::replace_line(dir / "Skills.txt", 12, l12);
    CHECK(run_error(pipeline(dir.string(), tmp.path())) ==
          "node 'validate' (onet_validate): 3 invalid row(s):\n"
          "  Knowledge.txt:3: occupation code '99-0000.00' is not in Occupation Data\n"
          "  Skills.txt:4: value 5.5 is outside scale 'IM' range [1, 5]\n"
          "  Skills.txt:9: duplicate (11-9901.00, 2.A.2.a, IM) (first at line 8)\n"
          "(with on_error: skip they would be dropped and listed in " +
              (tmp / "out" / "rejects.tsv").string() + ")");
  }
  SECTION("fail: max_listed caps the list, not the count") {
    onettest::replace_line(dir / "Skills.txt", 12, l12);
    std::string yaml = pipeline(dir.string(), tmp.path());
    yaml.replace(yaml.find("params: {rejects_path"), 21, "params: {max_listed: 1, rejects_path");
    CHECK(run_error(yaml) ==
          "node 'validate' (onet_validate): 3 invalid row(s), first 1:\n"
          "  Knowledge.txt:3: occupation code '99-0000.00' is not in Occupation Data\n"
          "(with on_error: skip they would be dropped and listed in " +
              (tmp / "out" / "rejects.tsv").string() + ")");
  }
  SECTION("skip from settings.on_error: bad rows dropped, written, counted") {
    Run r = onettest::run_yaml(pipeline(dir.string(), tmp.path(), "on_error: skip"));
    INFO(r.report.error);
    REQUIRE(r.report.ok);
    CHECK(r.collected->commits == 1);
    Summary s = summarize(*r.collected);
    CHECK(s.rows["Skills"] == 93);
    CHECK(s.rows["Knowledge"] == 39);
    CHECK(s.rows["Occupation Data"] == 8);
    CHECK(stats(r.report, "validate").counters.at("rejected_rows") == 4);
    CHECK(stats(r.report, "skills").counters.at("unparsable_rows") == 1);
    CHECK(read_file(tmp / "out" / "rejects.tsv") ==
          "file\tline\treason\tkey\n"
          "Knowledge.txt\t3\toccupation code '99-0000.00' is not in Occupation Data\t99-0000.00/2.C.1.a/LV\n"
          "Skills.txt\t4\tvalue 5.5 is outside scale 'IM' range [1, 5]\t11-9901.00/2.A.1.b/IM\n"
          "Skills.txt\t9\tduplicate (11-9901.00, 2.A.2.a, IM) (first at line 8)\t11-9901.00/2.A.2.a/IM\n"
          "Skills.txt\t12\tcolumn 'Data Value': '4,20' is not a number\t11-9901.00/2.B.3.e/IM\n");
  }
  SECTION("skip from the node param beats settings") {
    std::string yaml = pipeline(dir.string(), tmp.path(), "on_error: fail");
    yaml.replace(yaml.find("params: {rejects_path"), 21, "params: {on_error: skip, rejects_path");
    // The reader still follows settings (fail), so only validation problems are skippable here.
    onettest::replace_line(dir / "Skills.txt", 12, l12);
    Run r = onettest::run_yaml(yaml);
    INFO(r.report.error);
    REQUIRE(r.report.ok);
    CHECK(stats(r.report, "validate").counters.at("rejected_rows") == 3);
  }
  SECTION("a bad settings.on_error is refused by validation, with its position") {
    // A declared setting (dag::on_error_setting): checked before anything runs, not by the first
    // node that reads it.
    try {
      onettest::run_yaml(pipeline(dir.string(), tmp.path(), "on_error: ignore"));
      FAIL("expected an invalid pipeline");
    } catch (const dag::PipelineError& e) {
      CHECK(std::string(e.what()) ==
            "invalid pipeline (1 error):\ntest.yaml:2:22: error[bad-setting]: setting 'on_error' expects one of "
            "{fail, skip}, got 'ignore'\n");
    }
  }
}

TEST_CASE("ratings without their reference tables fail with a clear message", "[onet][pipeline]") {
  TempDir tmp("onet-noref");
  // The engine insists every node reaches a sink, so the two references are left out entirely.
  std::string yaml = pipeline(onettest::fixture_dir().string(), tmp.path());
  for (auto id : {"cmr", "scales"}) {
    auto b = yaml.find("  - {id: " + std::string(id) + ",");
    yaml.erase(b, yaml.find('\n', b) + 1 - b);
  }
  yaml.replace(yaml.find(", cmr, scales]"), 14, "]");
  CHECK(run_error(yaml) ==
        "node 'validate' (onet_validate): cannot check table(s) 'Knowledge', 'Skills': reference table(s) 'Content Model "
        "Reference', "
        "'Scales Reference' never arrived complete; wire an onet_table node for each into this node");
}

TEST_CASE("bad inputs from issue 3 give exact run errors", "[onet][pipeline]") {
  TempDir tmp("onet-bad");
  auto dir = onettest::copy_fixture(tmp.path(), "rel");
  const std::string skills = read_file(dir / "Skills.txt");
  auto yaml = [&] { return pipeline(dir.string(), tmp.path()); };
  using testing_support::write_file;

  SECTION("missing file") {
    fs::remove(dir / "Skills.txt");
    CHECK(run_error(yaml()) == "node 'skills' (onet_table): table 'Skills' not found: no Skills.txt in folder " + dir.string());
  }
  SECTION("required Abilities") {
    std::string y = yaml();
    y.replace(y.find("required: false"), 15, "required: true");
    CHECK(run_error(y) ==
          "node 'abilities' (onet_table): table 'Abilities' not found: no Abilities.txt in folder " + dir.string());
  }
  SECTION("empty file") {
    write_file(dir / "Scales Reference.txt", "");
    CHECK(run_error(yaml()) ==
          "node 'scales' (onet_table): Scales Reference.txt: file is empty (expected the header line Scale "
          "ID<TAB>Scale Name<TAB>Minimum<TAB>Maximum)");
  }
  SECTION("header changed") {
    write_file(dir / "Skills.txt",
               "O*NET-SOC Code\tElement ID\tElement Name\tScale ID\tValue" + skills.substr(skills.find("\tN\t")));
    CHECK(run_error(yaml()) == "node 'skills' (onet_table): Skills.txt:1: header column 5 is 'Value', expected 'Data Value'");
  }
  SECTION("truncated last line") {
    write_file(dir / "Skills.txt", skills.substr(0, skills.size() - 40));
    CHECK(run_error(yaml()) ==
          "node 'skills' (onet_table): Skills.txt:97: truncated last line: 7 of 13 fields and no line ending (file "
          "cut short?)");
  }
  SECTION("non-numeric value") {
    std::string s = skills;
    auto p = s.find("\t3.36\t");
    s.replace(p, 6, "\tabc\t");
    write_file(dir / "Skills.txt", s);
    CHECK(run_error(yaml()) == "node 'skills' (onet_table): Skills.txt:2: column 'Data Value': 'abc' is not a number");
  }
  SECTION("value out of range") {
    std::string s = skills;
    s.replace(s.find("\t3.36\t"), 6, "\t9.99\t");
    write_file(dir / "Skills.txt", s);
    CHECK(run_error(yaml()) ==
          "node 'validate' (onet_validate): 1 invalid row(s):\n  Skills.txt:2: value 9.99 is outside scale 'IM' "
          "range [1, 5]\n(with on_error: skip they would be dropped and listed in " +
              (tmp / "out" / "rejects.tsv").string() + ")");
  }
  SECTION("duplicate key") {
    onettest::append_line(dir / "Skills.txt",
                          skills.substr(skills.find('\n') + 1, skills.find('\r', skills.find('\n')) - skills.find('\n') - 1));
    CHECK(run_error(yaml()) ==
          "node 'validate' (onet_validate): 1 invalid row(s):\n  Skills.txt:98: duplicate (11-9901.00, 2.A.1.a, IM) "
          "(first at line 2)\n(with on_error: skip they would be dropped and listed in " +
              (tmp / "out" / "rejects.tsv").string() + ")");
  }
  SECTION("unknown occupation code") {
    onettest::append_line(dir / "Knowledge.txt",
                          "47-9901.01\t2.C.4.a\tMathematics\tIM\t3.00\t8\t0.1000\t2.8000\t3.2000\tN\tn/a\t08/2024\tIncumbent");
    CHECK(run_error(yaml()) ==
          "node 'validate' (onet_validate): 1 invalid row(s):\n  Knowledge.txt:42: occupation code '47-9901.01' is "
          "not in Occupation Data\n(with on_error: skip they would be dropped and listed in " +
              (tmp / "out" / "rejects.tsv").string() + ")");
  }
  SECTION("mixed CRLF/LF") {
    std::string s = skills;
    auto third = s.find('\n', s.find('\n', s.find('\n') + 1) + 1);  // end of line 3
    s.erase(third - 1, 1);
    write_file(dir / "Skills.txt", s);
    CHECK(run_error(yaml()) ==
          "node 'skills' (onet_table): Skills.txt:3: mixed line endings: this line ends with LF, line 1 with CRLF");
  }
  SECTION("zip missing a table") {
    auto zip = tmp / "db_29_2_text.zip";
    onettest::make_zip(dir, zip, "db_29_2_text/", {"Knowledge.txt"});
    CHECK(run_error(pipeline(zip.string(), tmp.path())) ==
          "node 'knowledge' (onet_table): table 'Knowledge' not found: no Knowledge.txt in zip " + zip.string());
  }
  SECTION("missing source") {
    CHECK(run_error(pipeline((tmp / "nowhere").string(), tmp.path())) ==
          "node 'src' (onet_source): O*NET source '" + (tmp / "nowhere").string() +
              "' does not exist. To use a local copy instead, set ONET_SOURCE=/path/to/db_29_2_text (the unzipped "
              "folder or the .zip) or run with --set nodes.src.params.location=/path/to/db_29_2_text");
  }
}

TEST_CASE("a zip built at test time runs the same graph", "[onet][pipeline]") {
  TempDir tmp("onet-zip-pipe");
  auto zip = tmp / "db_29_2_text.zip";
  onettest::make_zip(onettest::fixture_dir(), zip, "db_29_2_text/");
  Run r = onettest::run_yaml(pipeline(zip.string(), tmp.path()));
  INFO(r.report.error);
  REQUIRE(r.report.ok);
  Summary s = summarize(*r.collected);
  CHECK(s.rows["Skills"] == 96);
  CHECK(s.rows["Knowledge"] == 40);
}

TEST_CASE("node specs document every parameter", "[onet][pipeline]") {
  auto reg = onettest::registry();
  for (auto type : {"onet_source", "onet_table", "onet_validate"}) {
    const auto* e = reg.find(type);
    REQUIRE(e);
    CHECK(e->spec.summary.size() > 100);
    for (const auto& p : e->spec.params) {
      INFO(type << "." << p.name);
      CHECK_FALSE(p.description.empty());
    }
  }
  auto text = dag::describe_node(reg.find("onet_table")->spec);
  CHECK(text.find("Content Model Reference") != std::string::npos);
  const auto* src = reg.find("onet_source");
  CHECK(*src->spec.find_param("location")->default_value ==
        "${ONET_SOURCE:-https://www.onetcenter.org/dl_files/database/db_29_2_text.zip}");
}
