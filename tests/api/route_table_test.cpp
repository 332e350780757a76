// The route table drives dispatch, query validation and its messages, the OpenAPI parameters,
// metrics labels and the 404/405 answers: checked here from the table itself, so a route added
// later is covered without a new test.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <set>

#include "api/app.hpp"
#include "support/test_support.hpp"
#include "api/openapi.hpp"
#include "api/query_params.hpp"
#include "api/routes.hpp"
#include "api_test_support.hpp"

using nlohmann::json;

namespace {

api::App& app() {
  static std::unique_ptr<api::App> a = [] {
    auto p = std::make_unique<api::App>(apitest::config_for(apitest::mini_db_url()));
    p->start();
    return p;
  }();
  return *a;
}

json read_json_file(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  return json::parse(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
}

json unordered(const nlohmann::ordered_json& j) { return json::parse(j.dump()); }

// A valid value for a parameter, to build queries that pass every check but the one tested.
std::string valid_value(const api::RouteParam& p) {
  if (p.format == &api::occupation_code_format()) return "15-9901.00";
  if (p.spec.default_value) return *p.spec.default_value;
  if (!p.spec.choices.empty()) return p.spec.choices.front();
  if (p.spec.min) return std::to_string(static_cast<long long>(*p.spec.min));
  return "x";
}

std::string base_query(const api::Route& r, const std::string& except = "") {
  std::string q;
  for (const auto& p : r.query)
    if (p.spec.required && p.spec.name != except) q += (q.empty() ? "" : "&") + p.spec.name + "=" + valid_value(p);
  return q;
}

std::string concrete(const api::Route& r) {
  std::string p = r.path;
  if (auto b = p.find("{code}"); b != std::string::npos) p.replace(b, 6, "15-9901.00");
  return p;
}

}  // namespace

TEST_CASE("route table: the served OpenAPI parameters are the table's, and api/openapi.json agrees", "[api][routes][openapi]") {
  const json served = json::parse(api::App::openapi_document());
  const json file = read_json_file(testing_support::repo_path("api/openapi.json"));
  std::set<std::string> documented, in_served, in_file;
  for (const auto& r : api::App::route_table().routes()) {
    if (!r.documented) continue;
    documented.insert(r.path);
    const json expected = unordered(api::openapi_parameters(r));
    INFO(r.path << ": the table generates \"parameters\": " << expected.dump());
    CHECK(served["paths"][r.path]["get"].value("parameters", json::array()) == expected);
    REQUIRE(file["paths"].contains(r.path));
    CHECK(file["paths"][r.path]["get"].value("parameters", json::array()) == expected);
    CHECK(file["paths"][r.path]["get"].contains("responses"));
  }
  for (const auto& [path, ops] : served["paths"].items()) in_served.insert(path);
  for (const auto& [path, ops] : file["paths"].items()) in_file.insert(path);
  CHECK(in_served == documented);
  CHECK(in_file == documented);
  CHECK(served == file);  // everything else is the file's own text
}

TEST_CASE("route table: every declared parameter is checked as its spec says, with the message derived from it",
          "[api][routes]") {
  for (const auto& r : api::App::route_table().routes()) {
    if (!r.documented || r.query.empty()) continue;
    const std::string path = concrete(r);
    const std::string base = base_query(r);
    const bool shape = r.errors == api::ErrorShape::SkillGap;
    auto check = [&](const std::string& query, const std::string& error, const std::string& message) {
      INFO(path << "?" << query);
      auto resp = app().handle({"GET", path, query});
      auto body = json::parse(resp.body);
      CHECK(resp.status == 400);
      CHECK(body["error"] == error);
      CHECK(body["message"] == message);
      CHECK(body["result"].contains("skill_gaps") == shape);
      CHECK(resp.route == r.path);
    };
    std::set<std::string> names;
    for (const auto& p : r.query) names.insert(p.spec.name);
    std::string allowed;
    for (const auto& n : names) allowed += (allowed.empty() ? "" : ", ") + n;
    check(base + (base.empty() ? "" : "&") + "zz=1", "unknown_parameter",
          "Error: Unknown parameter 'zz' (allowed: " + allowed + ").");
    for (const auto& p : r.query) {
      const std::string& n = p.spec.name;
      const std::string others = base_query(r, n);
      const std::string pre = others.empty() ? "" : others + "&";
      check(pre + n + "=" + valid_value(p) + "&" + n + "=" + valid_value(p), "repeated_parameter",
            "Error: Parameter '" + n + "' is given more than once.");
      std::string bad;
      switch (p.spec.type) {
        case dag::ParamType::Float:
        case dag::ParamType::Int:
          bad = p.spec.max ? std::to_string(static_cast<long long>(*p.spec.max) + 1) : "abc";
          break;
        case dag::ParamType::Bool:
          bad = "maybe";
          break;
        case dag::ParamType::Enum:
          bad = "nope";
          break;
        default:
          if (p.format)
            bad = "nope";
          else if (p.max_bytes)
            bad = std::string(*p.max_bytes + 1, 'a');
      }
      if (bad.empty()) continue;
      if (p.format) {
        check(pre + n + "=" + bad, p.format->error,
              "Error: Invalid " + p.format->noun + " '" + bad + "' for parameter '" + n + "' (expected " + p.format->expected +
                  ").");
      } else if (p.spec.type == dag::ParamType::String) {
        check(pre + n + "=" + bad, "parameter_too_long",
              "Error: Parameter '" + n + "' is too long (at most " + std::to_string(*p.max_bytes) + " bytes).");
      } else {
        check(pre + n + "=" + bad, "invalid_parameter",
              "Error: Invalid value '" + bad + "' for parameter '" + n + "' (expected " + api::expected_text(p) + ").");
      }
    }
  }
}

TEST_CASE("route table: routes without parameters refuse any, and every route refuses other methods", "[api][routes]") {
  for (const auto& r : api::App::route_table().routes()) {
    const std::string path = concrete(r);
    INFO(path);
    auto post = app().handle({"POST", path, ""});
    CHECK(post.status == 405);
    CHECK(post.route == r.path);
    CHECK(json::parse(post.body)["result"].contains("skill_gaps") == (r.errors == api::ErrorShape::SkillGap));
    if (r.query.empty() && !r.any_query) {
      auto q = app().handle({"GET", path, "x=1"});
      CHECK(q.status == 400);
      CHECK(json::parse(q.body)["message"] == "Error: Unknown parameter 'x' (this endpoint takes none).");
    }
    if (r.any_query) CHECK(app().handle({"GET", path, "from=anything&x=%zz"}).status == 200);  // the page's own query
  }
}

TEST_CASE("route table: each answer is labelled in metrics by its route's path", "[api][routes]") {
  for (const auto& r : api::App::route_table().routes()) {
    api::Response got;
    app().serve({"GET", concrete(r), base_query(r)}, [&](api::Response x) { got = std::move(x); });
    CHECK(got.route == r.path);
  }
  api::Response none;
  app().serve({"GET", "/nowhere/at/all", ""}, [&](api::Response x) { none = std::move(x); });
  CHECK(none.route == "unmatched");
  const auto page = app().handle({"GET", "/metrics", ""}).body;
  for (const auto& r : api::App::route_table().routes()) {
    INFO(r.path);
    CHECK(page.find("skillgap_http_request_duration_seconds_count{route=\"" + r.path + "\"}") != std::string::npos);
  }
}

TEST_CASE("route table: declarations are checked, paths match exactly", "[api][routes]") {
  auto noop = [](api::ApiContext&, const api::Call&, const api::Reply&) {};
  api::RouteTable t;
  t.add(api::Route("/a/{id}").param_in_path(dag::ParamSpec::str("id")).handle(noop));
  t.add(api::Route("/b").handle(noop));
  CHECK_THROWS_WITH(t.add(api::Route("/b").handle(noop)), "route '/b' is declared twice");
  CHECK_THROWS_WITH(t.add(api::Route("/c/{x}").handle(noop)),
                    "route '/c/{x}': 1 {name}(s) in the path but 0 path parameter(s) declared");
  CHECK_THROWS_WITH(t.add(api::Route("/c/{x}").param_in_path(dag::ParamSpec::str("y")).handle(noop)),
                    "route '/c/{x}': path parameter 0 is declared as 'y'");
  CHECK_THROWS_WITH(t.add(api::Route("/d")), "route '/d' has no handler");
  auto m = t.match("/a/15%2D9901");
  REQUIRE(m);
  CHECK(m->route->path == "/a/{id}");
  CHECK(m->segments == std::vector<std::string>{"15%2D9901"});
  for (const char* p : {"/a", "/a/", "/a/1/", "/a/1/2", "/b/", "//b", "/B", "", "b"}) {
    INFO(p);
    CHECK_FALSE(t.match(p));
  }
  CHECK(t.match("/b"));
}

TEST_CASE("route table: messages and defaults derive from the ParamSpec", "[api][routes]") {
  auto noop = [](api::ApiContext&, const api::Call&, const api::Reply&) {};
  api::Route r = api::Route("/t")
                     .param(dag::ParamSpec::str("q").req())
                     .param(dag::ParamSpec::integer("n").range(2, std::nullopt).def("5"))
                     .param(dag::ParamSpec::number("x").range(std::nullopt, 1.5))
                     .param(dag::ParamSpec::one_of("k", {"a", "b", "c"}))
                     .handle(noop);
  auto message = [&](const std::string& query) {
    try {
      api::bind_call(r, {"GET", "/t", query}, {});
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(message("") == "Error: Missing 'q' parameter.");
  CHECK(message("q=") == "Error: Missing 'q' parameter.");
  CHECK(message("q=z&n=1") == "Error: Invalid value '1' for parameter 'n' (expected an integer of at least 2).");
  CHECK(message("q=z&n=2.5") == "Error: Invalid value '2.5' for parameter 'n' (expected an integer of at least 2).");
  CHECK(message("q=z&x=2") == "Error: Invalid value '2' for parameter 'x' (expected a number of at most 1.5).");
  CHECK(message("q=z&k=d") == "Error: Invalid value 'd' for parameter 'k' (expected a, b or c).");
  CHECK(message("q=z&k=b&x=-3") == "accepted");
  auto call = api::bind_call(r, {"GET", "/t", "q=z"}, {});
  CHECK(call.query.integer("n") == 5);  // the declared default
  CHECK_FALSE(call.query.has("x"));     // optional, no default
  CHECK(call.query.str("q") == "z");
}
