// The real O*NET 29.2 text files (never copied into the repo): $ONET_DATA_DIR, default
// ../shared/onet/db_29_2_text beside the repo. Skipped with a visible warning when absent.
#include <catch2/catch.hpp>

#include <chrono>
#include <set>

#include "nodes/onet/table_parser.hpp"
#include "onet_test_util.hpp"

using namespace onet;
using testing_support::read_file;
using testing_support::TempDir;

namespace {

[[maybe_unused]] bool sanitized() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return true;
#endif
#endif
  return false;
}

}  // namespace

TEST_CASE("real O*NET 29.2: full read + validate through the engine", "[onet][real]") {
  const std::string dir = testing_support::onet_data_dir();
  if (dir.empty()) {
    WARN("SKIPPED: real O*NET 29.2 files not found (set ONET_DATA_DIR or provide ../shared/onet/db_29_2_text)");
    return;
  }
  TempDir tmp("onet-real");
  const std::string yaml = R"(name: onet_real
nodes:
  - {id: src, type: onet_source, params: {location: ")" + dir + R"(", cache_dir: ")" + (tmp / "cache").string() + R"("}}
  - {id: occ, type: onet_table, inputs: [src], params: {table: Occupation Data}}
  - {id: cmr, type: onet_table, inputs: [src], params: {table: Content Model Reference}}
  - {id: scales, type: onet_table, inputs: [src], params: {table: Scales Reference}}
  - {id: skills, type: onet_table, inputs: [src], params: {table: Skills}}
  - {id: knowledge, type: onet_table, inputs: [src], params: {table: Knowledge}}
  - {id: abilities, type: onet_table, inputs: [src], params: {table: Abilities, required: false}}
  - {id: validate, type: onet_validate, inputs: [src, skills, knowledge, abilities, occ, cmr, scales],
     params: {rejects_path: ")" + (tmp / "rejects.tsv").string() + R"("}}
  - {id: sink, type: t_collect, inputs: [validate]}
)";
  auto t0 = std::chrono::steady_clock::now();
  auto run = onettest::run_yaml(yaml);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  INFO(run.report.error);
  REQUIRE(run.report.ok);
  WARN("real 29.2 read + validate through the engine: " << secs << " s");
  CHECK(onettest::stats(run.report, "validate").counters.at("rejected_rows") == 0);

  std::shared_ptr<const ReleaseBatch> release;
  std::size_t occupations = 0, elements = 0, scales = 0, skills = 0, knowledge = 0, abilities = 0;
  std::set<std::string> skill_elements, skill_codes, occupation_codes;
  double prog_im = -1, prog_lv = -1;
  bool developers_rated = false;
  for (const auto& b : run.collected->batches) {
    if (auto r = std::dynamic_pointer_cast<const ReleaseBatch>(b)) {
      CHECK_FALSE(release);
      release = r;
      continue;
    }
    auto t = std::dynamic_pointer_cast<const TableBatch>(b);
    REQUIRE(t);
    occupations += t->occupations.size();
    for (const auto& o : t->occupations) occupation_codes.insert(o.code);
    elements += t->elements.size();
    scales += t->scales.size();
    if (t->table == "Skills") {
      skills += t->ratings.size();
      for (const auto& r : t->ratings) {
        skill_elements.insert(r.element_id);
        skill_codes.insert(r.code);
        if (r.code == "15-1251.00" && r.element_id == "2.B.3.e") (r.scale_id == "IM" ? prog_im : prog_lv) = r.value;
        if (r.code == "15-1252.00") developers_rated = true;
      }
    }
    if (t->table == "Knowledge") knowledge += t->ratings.size();
    if (t->table == "Abilities") abilities += t->ratings.size();
  }
  REQUIRE(release);
  CHECK(release == run.collected->batches.front());
  CHECK(release->release == "29.2");
  CHECK(occupations == 1016);
  CHECK(occupation_codes.size() == 1016);
  CHECK(elements == 627);
  CHECK(scales == 29);
  CHECK(skills == 61530);
  CHECK(skill_codes.size() == 879);
  CHECK(skill_elements.size() == 35);
  CHECK(knowledge == 58014);
  CHECK(abilities == 0);  // Abilities.txt is not in this copy of the release
  CHECK(prog_im == 4.75);
  CHECK(prog_lv == 4.88);
  CHECK(occupation_codes.count("15-1252.00") == 1);
  CHECK_FALSE(developers_rated);  // Software Developers: no ratings in 29.2
}

TEST_CASE("real O*NET 29.2: Skills + Knowledge parse in well under 0.1 s", "[onet][real][perf]") {
  const std::string dir = testing_support::onet_data_dir();
  if (dir.empty()) {
    WARN("SKIPPED: real O*NET 29.2 files not found (set ONET_DATA_DIR or provide ../shared/onet/db_29_2_text)");
    return;
  }
  const std::string skills = read_file(dir + "/Skills.txt"), knowledge = read_file(dir + "/Knowledge.txt");
  double best = 1e9;
  std::size_t rows = 0;
  for (int round = 0; round < 3; ++round) {
    std::string a = skills, b = knowledge;  // copies outside the timed part
    auto t0 = std::chrono::steady_clock::now();
    rows = 0;
    TableParser ps(std::move(a), "Skills", Shape::Rating);
    while (auto c = ps.next(8192)) rows += c->rows();
    TableParser pk(std::move(b), "Knowledge", Shape::Rating);
    while (auto c = pk.next(8192)) rows += c->rows();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  CHECK(rows == 61530 + 58014);
  WARN("parse Skills + Knowledge (" << (skills.size() + knowledge.size()) << " bytes, " << rows
                                    << " rows): best of 3 = " << best * 1000 << " ms");
#if defined(NDEBUG)
  if (!sanitized()) CHECK(best < 0.1);
#endif
}
