// GET /transitions and the batch pipeline against MariaDB (the `mariadb` ctest fixture): the
// fixture loaded into MariaDB answers exactly as the same fixture in SQLite, for every source
// and several option sets (the text index, similarities and ranking do not depend on the backend).
#include <catch2/catch.hpp>

#include "api_test_support.hpp"
#include "gap_test_db.hpp"
#include "run_transitions.hpp"
#include "support/test_support.hpp"
#include "tests/mariadb/mariadb_test_support.hpp"

using nlohmann::json;

namespace {

json result(api::App& app, const std::string& query) {
  auto r = app.handle({"GET", "/transitions", query});
  INFO(query << ": " << r.body);
  REQUIRE(r.status == 200);
  auto j = json::parse(r.body)["result"];
  j.erase("load_run_id");  // the two databases number their runs independently
  return j;
}

}  // namespace

TEST_CASE("mariadb: transitions equal the SQLite answers for every source", "[api][mariadb][transitions]") {
  mariadb_test::ScratchDatabase db;
  testing_support::TempDir dir("transmaria");
  gaptest::run_load("sample.yaml", db.url(), dir.path());
  api::App maria(apitest::config_for(db.url()));
  maria.start();
  api::App lite(apitest::config_for(apitest::mini_db_url()));
  lite.start();
  REQUIRE(maria.cache().status().loaded);
  std::vector<std::string> codes;
  for (const auto& o : maria.cache().snapshot()->search("", 100)) codes.push_back(o.code);
  REQUIRE(codes.size() == 8);
  for (const auto& code : codes) {
    for (const char* opts : {"", "&domain=all&limit=100", "&job_zone=within1&exclude_group=true", "&source=estimate"}) {
      const std::string q = "from=" + code + opts;
      INFO(q);
      CHECK(result(maria, q) == result(lite, q));
    }
  }
  auto err = maria.handle({"GET", "/transitions", "from=99-9999.00"});
  CHECK(err.status == 404);
  CHECK(json::parse(err.body)["error"] == "occupation_not_found");

  // The batch job reads MariaDB the same way.
  const transitionstest::Outputs out{(dir / "t.tsv").string(), (dir / "t.jsonl").string()};
  auto report = transitionstest::run_transitions(db.url(), out);
  INFO(report.error);
  REQUIRE(report.ok);
  auto lines = transitionstest::read_jsonl(out.jsonl_path);
  CHECK(lines.size() == 8);
  for (auto& [code, j] : lines) {
    INFO(code);
    auto copy = j;
    copy.erase("load_run_id");
    CHECK(copy == result(lite, "from=" + code));
  }
}

TEST_CASE("mariadb: real 29.2 transitions equal the SQLite answers for a sample of sources",
          "[api][mariadb][transitions][real]") {
  const std::string data = testing_support::onet_data_dir();
  if (data.empty()) {
    WARN("SKIPPED: O*NET 29.2 files not found (set ONET_DATA_DIR); real-data MariaDB transitions not run");
    return;
  }
  mariadb_test::ScratchDatabase db;
  testing_support::TempDir dir("transmariareal");
  const std::string lite_url = "sqlite:" + (dir / "onet29.db").string();
  const std::vector<std::string> location = {"nodes.source.params.location=" + data};
  gaptest::run_load("full.yaml", db.url(), dir.path(), location);
  gaptest::run_load("full.yaml", lite_url, dir.path(), location);
  api::App maria(apitest::config_for(db.url()));
  maria.start();
  api::App lite(apitest::config_for(lite_url));
  lite.start();
  std::vector<std::string> codes;
  for (const auto& o : maria.cache().snapshot()->search("", 5000)) codes.push_back(o.code);
  REQUIRE(codes.size() == 1016);
  // Every 25th occupation (41 sources, rated and estimated), default and all-domain options.
  int estimated = 0;
  for (std::size_t i = 0; i < codes.size(); i += 25) {
    for (const char* opts : {"", "&domain=all&job_zone=within1"}) {
      const std::string q = "from=" + codes[i] + opts;
      INFO(q);
      const auto m = result(maria, q);
      CHECK(m == result(lite, q));
      // A source without a job zone (the "All Other" codes) has no targets under within1.
      if (std::string(opts).empty()) CHECK(m["transitions"].size() == 10);
      for (const auto& t : m["transitions"]) estimated += t["estimated"] == true;
    }
  }
  CHECK(estimated > 0);  // the sample reaches estimated occupations too
  // Errors by status, code and message, as on SQLite.
  for (const char* q : {"from=11-1031.00&source=onet", "from=99-9999.00", "from=15-1254&limit=0"}) {
    INFO(q);
    auto a = maria.handle({"GET", "/transitions", q});
    auto b = lite.handle({"GET", "/transitions", q});
    CHECK(a.status == b.status);
    CHECK(a.body == b.body);
  }
}
