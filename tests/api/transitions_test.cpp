// GET /transitions on the onet_mini fixture loaded by the real pipeline: every occupation's
// answer against /skill-gap for the same pairs, the options, every error by status, code and
// message, the metrics label and the access log line.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include <soci/soci.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "api/app.hpp"
#include "api_test_support.hpp"
#include "gap_test_db.hpp"
#include "nodes/sql/database.hpp"
#include "support/test_support.hpp"

using apitest::config_for;
using apitest::mini_db_url;
using nlohmann::json;

namespace {

struct Got {
  api::Response r;
  json body;
};

Got call(api::App& app, const std::string& path, const std::string& query = "", const std::string& method = "GET") {
  Got g;
  g.r = app.handle({method, path, query});
  if (g.r.content_type.starts_with("application/json")) g.body = json::parse(g.r.body);
  return g;
}

void check_error(const Got& g, int status, const std::string& error, const std::string& message) {
  INFO(g.r.body);
  CHECK(g.r.status == status);
  CHECK(g.body["success"] == false);
  CHECK(g.body["error"] == error);
  CHECK(g.body["message"] == message);
  CHECK(g.body["result"] == json{{"transitions", json::array()}});  // as /skill-gap's {"skill_gaps": []}
  CHECK(g.r.route == "/transitions");
}

api::App& app() {
  static std::unique_ptr<api::App> a = [] {
    auto p = std::make_unique<api::App>(config_for(mini_db_url()));
    p->start();
    return p;
  }();
  return *a;
}

std::vector<std::string> fixture_codes() {
  std::vector<std::string> out;
  for (const auto& o : app().cache().snapshot()->search("", 100)) out.push_back(o.code);
  std::sort(out.begin(), out.end());
  return out;
}

// Each returned target against /skill-gap for the same pair: the top gaps are its first three,
// gap_count its count, weighted_gap the sum of gap x importance / 5 over all of them.
void check_against_skill_gap(const json& result, const std::string& extra_query) {
  const std::string from = result["from_occupation_code"];
  for (const auto& t : result["transitions"]) {
    const std::string to = t["code"];
    INFO(from << " -> " << to << " " << extra_query);
    CHECK(to != from);
    auto sg = call(app(), "/skill-gap", "from=" + from + "&to=" + to + extra_query);
    REQUIRE(sg.r.status == 200);
    const auto& gaps = sg.body["result"]["skill_gaps"];
    CHECK(t["gap_count"] == gaps.size());
    long long units = 0;
    for (const auto& g : gaps) {
      const long long gh = std::llround(g["gap"].get<double>() * 100);
      const long long ih = g["importance"].is_null() ? 500 : std::llround(g["importance"].get<double>() * 100);
      units += gh * ih;
    }
    CHECK(std::llround(t["weighted_gap"].get<double>() * 100) == (units + 250) / 500);
    const auto& top = t["top_gaps"];
    REQUIRE(top.size() == std::min<std::size_t>(3, gaps.size()));
    for (std::size_t i = 0; i < top.size(); ++i) {
      for (const char* k : {"element_id", "element_name", "scale_id", "from_data_value", "to_data_value", "gap", "importance",
                            "from_missing", "estimated"}) {
        INFO(k);
        CHECK(top[i][k] == gaps[i][k]);
      }
    }
    // The link shows that very gap.
    const std::string url = t["skill_gap_url"];
    REQUIRE(url.starts_with("/skill-gap?"));
    CHECK(call(app(), "/skill-gap", url.substr(11)).body == sg.body);
  }
}

}  // namespace

TEST_CASE("transitions: every fixture occupation, against /skill-gap pair by pair", "[api][transitions]") {
  const auto all = fixture_codes();
  REQUIRE(all.size() == 8);
  for (const auto& from : all) {
    INFO(from);
    auto g = call(app(), "/transitions", "from=" + from);
    REQUIRE(g.r.status == 200);
    CHECK(g.r.route == "/transitions");
    CHECK(g.body["success"] == true);
    const auto& res = g.body["result"];
    CHECK(res["from_occupation_code"] == from);
    CHECK(res["onet_release"] == "0.0-mini");
    CHECK(res["options"] == json::parse(R"({"limit":10,"domain":"skills","job_zone":"any","max_weighted_gap":null,
                                            "exclude_group":false,"source":"auto"})"));
    // The candidates are exactly the targets /skill-gap can answer for.
    std::size_t answerable = 0;
    for (const auto& to : all)
      if (to != from && call(app(), "/skill-gap", "from=" + from + "&to=" + to).r.status == 200) ++answerable;
    CHECK(res["candidates"] == answerable);
    CHECK(res["count"] == std::min<std::size_t>(10, answerable));
    CHECK(res["transitions"].size() == res["count"].get<std::size_t>());
    CHECK(g.body["message"] == "Found " + std::to_string(res["count"].get<int>()) + " transition" +
                                   (res["count"] == 1 ? "" : "s") + " from '" + res["from_occupation_title"].get<std::string>() +
                                   "', best first.");
    double last = 2;
    int rank = 0;
    for (const auto& t : res["transitions"]) {
      CHECK(t["rank"] == ++rank);
      CHECK(t["score"].get<double>() <= last);
      last = t["score"];
      for (const char* k : {"similarity", "text_similarity", "rating_similarity"}) {
        CHECK(t[k].get<double>() >= 0);
        CHECK(t[k].get<double>() <= 1);
      }
    }
    check_against_skill_gap(res, "");
  }
}

TEST_CASE("transitions: options", "[api][transitions]") {
  const std::string from = "15-9901.00";
  auto one = call(app(), "/transitions", "from=15-9901&limit=1");
  REQUIRE(one.r.status == 200);
  CHECK(one.body["result"]["count"] == 1);
  auto base = call(app(), "/transitions", "from=" + from);
  CHECK(one.body["result"]["transitions"][0] == base.body["result"]["transitions"][0]);

  auto k = call(app(), "/transitions", "from=" + from + "&domain=knowledge");
  REQUIRE(k.r.status == 200);
  CHECK(k.body["result"]["domain"] == "knowledge");
  for (const auto& t : k.body["result"]["transitions"]) {
    CHECK(t["skill_gap_url"].get<std::string>().ends_with("&domain=knowledge"));
    for (const auto& g : t["top_gaps"]) CHECK(g["domain"] == "knowledge");
  }
  check_against_skill_gap(k.body["result"], "&domain=knowledge");

  auto all = call(app(), "/transitions", "from=" + from + "&domain=all&limit=100");
  REQUIRE(all.r.status == 200);
  for (const auto& t : all.body["result"]["transitions"]) {
    auto s = call(app(), "/skill-gap", t["skill_gap_url"].get<std::string>().substr(11));
    auto kn = call(app(), "/skill-gap", t["knowledge_gap_url"].get<std::string>().substr(11));
    CHECK(t["gap_count"] == s.body["result"]["gap_count"].get<int>() + kn.body["result"]["gap_count"].get<int>());
    for (const auto& g : t["top_gaps"]) CHECK((g["domain"] == "skills" || g["domain"] == "knowledge"));
  }
  // Each top gap tagged with its domain and equal to that domain's /skill-gap row; knowledge gaps
  // do reach the top 3 in the fixture.
  std::size_t knowledge_tops = 0;
  for (const auto& t : all.body["result"]["transitions"]) {
    for (const auto& g : t["top_gaps"]) {
      const bool kn = g["domain"] == "knowledge";
      knowledge_tops += kn;
      auto sg = call(app(), "/skill-gap", (kn ? t["knowledge_gap_url"] : t["skill_gap_url"]).get<std::string>().substr(11));
      bool found = false;
      for (const auto& row : sg.body["result"]["skill_gaps"])
        found = found || (row["element_id"] == g["element_id"] && row["gap"] == g["gap"] && row["importance"] == g["importance"]);
      INFO(t["code"] << " " << g.dump());
      CHECK(found);
    }
  }
  CHECK(knowledge_tops > 0);

  auto onet = call(app(), "/transitions", "from=" + from + "&source=onet&limit=100");
  REQUIRE(onet.r.status == 200);
  CHECK(onet.body["result"]["options"]["source"] == "onet");
  for (const auto& t : onet.body["result"]["transitions"]) CHECK(t["estimated"] == false);
  check_against_skill_gap(onet.body["result"], "&source=onet");
  auto est = call(app(), "/transitions", "from=" + from + "&source=estimate");
  REQUIRE(est.r.status == 200);
  check_against_skill_gap(est.body["result"], "&source=estimate");

  auto group = call(app(), "/transitions", "from=" + from + "&exclude_group=true&limit=100");
  for (const auto& t : group.body["result"]["transitions"]) CHECK(t["code"].get<std::string>().substr(0, 4) != from.substr(0, 4));
  CHECK(group.body["result"]["options"]["exclude_group"] == true);

  auto cap = call(app(), "/transitions", "from=" + from + "&max_weighted_gap=0.5&limit=100");
  REQUIRE(cap.r.status == 200);
  CHECK(cap.body["result"]["options"]["max_weighted_gap"] == 0.5);
  for (const auto& t : cap.body["result"]["transitions"]) CHECK(t["weighted_gap"].get<double>() <= 0.5);

  for (const char* rule : {"same", "up", "down", "within1"}) {
    auto z = call(app(), "/transitions", "from=" + from + "&limit=100&job_zone=" + rule);
    INFO(rule << ": " << z.r.body);
    REQUIRE(z.r.status == 200);
    const std::string r = rule;
    for (const auto& t : z.body["result"]["transitions"]) {
      REQUIRE(t["job_zone"]["step"].is_number());
      const int step = t["job_zone"]["step"];
      if (r == "same") CHECK(step == 0);
      if (r == "up") CHECK(step > 0);
      if (r == "down") CHECK(step < 0);
      if (r == "within1") CHECK(std::abs(step) <= 1);
    }
  }
}

TEST_CASE("transitions: every error by status, code and message", "[api][transitions]") {
  const std::string missing = "Error: Missing 'from' occupation code parameter.";
  for (const char* q : {"", "from=", "limit=3"}) {
    INFO(q);
    check_error(call(app(), "/transitions", q), 400, "missing_parameter", missing);
  }
  check_error(call(app(), "/transitions", "from=banana"), 400, "invalid_occupation_code",
              "Error: Invalid occupation code 'banana' for parameter 'from' (expected NN-NNNN.NN or NN-NNNN).");
  check_error(call(app(), "/transitions", "from=99-9999.00"), 404, "occupation_not_found",
              "Error: Occupation code 99-9999.00 not found.");
  check_error(call(app(), "/transitions", "from=99-9999"), 404, "occupation_not_found",
              "Error: Occupation code 99-9999.00 not found.");
  check_error(call(app(), "/transitions", "from=15-9901.00&to=11-9901.00"), 400, "unknown_parameter",
              "Error: Unknown parameter 'to' (allowed: domain, exclude_group, from, job_zone, limit, max_weighted_gap, source).");
  check_error(call(app(), "/transitions", "from=15-9901.00&from=11-9901.00"), 400, "repeated_parameter",
              "Error: Parameter 'from' is given more than once.");
  check_error(call(app(), "/transitions", "from=15-9901.00&limit=%zz"), 400, "bad_encoding",
              "Error: Malformed percent-encoding in parameter 'limit'.");
  struct Bad {
    const char* q;
    const char* message;
  };
  for (const Bad& b : {
           Bad{"limit=0", "Error: Invalid value '0' for parameter 'limit' (expected an integer from 1 to 100)."},
           Bad{"limit=101", "Error: Invalid value '101' for parameter 'limit' (expected an integer from 1 to 100)."},
           Bad{"limit=2.5", "Error: Invalid value '2.5' for parameter 'limit' (expected an integer from 1 to 100)."},
           Bad{"domain=abilities",
               "Error: Invalid value 'abilities' for parameter 'domain' (expected skills, knowledge or all)."},
           Bad{"job_zone=sideways",
               "Error: Invalid value 'sideways' for parameter 'job_zone' (expected any, same, up, down or within1)."},
           Bad{"max_weighted_gap=-1",
               "Error: Invalid value '-1' for parameter 'max_weighted_gap' (expected a number from 0 to 500)."},
           Bad{"max_weighted_gap=nan",
               "Error: Invalid value 'nan' for parameter 'max_weighted_gap' (expected a number from 0 to 500)."},
           Bad{"exclude_group=maybe", "Error: Invalid value 'maybe' for parameter 'exclude_group' (expected true or false)."},
           Bad{"source=gpt", "Error: Invalid value 'gpt' for parameter 'source' (expected onet, estimate, llm or refined)."},
       }) {
    INFO(b.q);
    check_error(call(app(), "/transitions", std::string("from=15-9901.00&") + b.q), 400, "invalid_parameter", b.message);
  }
  // 29-9901.00 has knowledge ratings but no skill ratings in the fixture: none from O*NET.
  check_error(call(app(), "/transitions", "from=29-9901.00&source=onet"), 404, "no_ratings",
              "Error: Occupation code 29-9901.00 (Dream Hygienists) has no skill ratings from source 'onet', so no skill gap "
              "can be computed.");
  check_error(call(app(), "/transitions", "from=15-9901.00&source=llm"), 404, "no_ratings",
              "Error: Occupation code 15-9901.00 (Quantum Spreadsheet Developers) has no skill ratings from source 'llm', so no "
              "skill gap can be computed.");
  auto post = call(app(), "/transitions", "from=15-9901.00", "POST");
  check_error(post, 405, "method_not_allowed", "Error: Method POST is not allowed; use GET.");
  CHECK(call(app(), "/transitions/", "from=15-9901.00").r.status == 404);
}

TEST_CASE("transitions: no ratings nor estimates, no knowledge, no database", "[api][transitions]") {
  testing_support::TempDir dir("apitrans");
  // A copy of the fixture database in which one occupation has neither ratings nor estimates,
  // and no occupation any knowledge.
  const std::string url = "sqlite:" + (dir / "copy.db").string();
  std::filesystem::copy_file(mini_db_url().substr(7), (dir / "copy.db"));
  {
    auto s = sqldb::open_session(sqldb::DatabaseUrl::parse(url));
    *s << "DELETE FROM occupation_ratings WHERE onetsoc_code = '47-9901.00' OR element_id LIKE '2.C.%'";
    *s << "DELETE FROM occupation_estimates WHERE onetsoc_code = '47-9901.00' OR element_id LIKE '2.C.%'";
  }
  api::App copy(config_for(url));
  copy.start();
  check_error(
      call(copy, "/transitions", "from=47-9901.00"), 404, "no_ratings",
      "Error: Occupation code 47-9901.00 (Castle Moat Installers) has no skill ratings, so no skill gap can be computed.");
  auto g = call(copy, "/transitions", "from=15-9901.00&limit=100");
  REQUIRE(g.r.status == 200);
  for (const auto& t : g.body["result"]["transitions"]) CHECK(t["code"] != "47-9901.00");  // never a target either
  check_error(call(copy, "/transitions", "from=15-9901.00&domain=knowledge"), 400, "domain_not_loaded",
              "Error: Knowledge ratings are not loaded, so domain=knowledge is unavailable.");
  check_error(call(copy, "/transitions", "from=15-9901.00&domain=all"), 400, "domain_not_loaded",
              "Error: Knowledge ratings are not loaded, so domain=all is unavailable.");

  // Ranked from the snapshot alone: with the database file gone after start-up the answers stay
  // byte for byte the same (the refresher finds the database down and keeps the snapshot).
  {
    const std::string gone_url = "sqlite:" + (dir / "gone.db").string();
    std::filesystem::copy_file(mini_db_url().substr(7), dir / "gone.db");
    api::App gone(config_for(gone_url));
    gone.start();
    std::vector<std::string> before;
    for (const auto& from : fixture_codes()) before.push_back(call(gone, "/transitions", "from=" + from + "&domain=all").r.body);
    std::filesystem::remove(dir / "gone.db");
    std::filesystem::create_directory(dir / "gone.db");  // not even an empty database can be opened there now
    std::size_t i = 0;
    for (const auto& from : fixture_codes()) {
      auto again = call(gone, "/transitions", "from=" + from + "&domain=all");
      INFO(from);
      CHECK(again.r.status == 200);
      CHECK(again.r.body == before[i++]);
    }
  }

  api::App down(config_for("sqlite:" + (dir / "absent.db").string()));
  down.start();
  auto d = call(down, "/transitions", "from=15-9901.00");
  check_error(d, 503, "database_unavailable", "Error: The database is unavailable; try again shortly.");
}

TEST_CASE("transitions: metrics route label and one access log line", "[api][transitions]") {
  std::ostringstream out;
  auto logger = std::make_shared<spdlog::logger>("access", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  logger->set_pattern("%v");
  apitest::RunningServer s(config_for(mini_db_url()), logger);
  auto ok = apitest::get(s.port(), "/transitions?from=15-9901.00&limit=3");
  CHECK(ok.status == 200);
  CHECK(ok.json()["result"]["count"] == 3);
  CHECK(apitest::get(s.port(), "/transitions?from=nope").status == 400);
  auto metrics = apitest::get(s.port(), "/metrics");
  logger->flush();
  CHECK(metrics.body.find("skillgap_http_requests_total{route=\"/transitions\",status=\"200\"} 1") != std::string::npos);
  CHECK(metrics.body.find("skillgap_http_requests_total{route=\"/transitions\",status=\"400\"} 1") != std::string::npos);
  CHECK(metrics.body.find("skillgap_http_request_duration_seconds_count{route=\"/transitions\"} 2") != std::string::npos);
  std::istringstream lines(out.str());
  std::vector<std::string> got;
  for (std::string l; std::getline(lines, l);) got.push_back(l);
  REQUIRE(got.size() >= 2);
  CHECK(got[0].starts_with("GET /transitions 200 "));
  CHECK(got[0].ends_with(" ms"));
  CHECK(got[1].starts_with("GET /transitions 400 "));
}
