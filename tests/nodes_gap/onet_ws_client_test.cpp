// The O*NET Web Services v2 client against a fake v2 server on loopback.
#include <catch2/catch.hpp>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "fake_onet_v2.hpp"
#include "nodes/gap/onet_ws_client.hpp"

using gaptest::FakeOnetV2;

namespace {

gap::OnetWsOptions options_for(const FakeOnetV2& fake, const std::string& key = "test-key-123") {
  gap::OnetWsOptions o;
  o.base_url = fake.base_url();
  o.api_key = key;
  o.timeout = std::chrono::milliseconds(2000);
  o.backoff = std::chrono::milliseconds(10);
  o.max_backoff = std::chrono::milliseconds(50);
  return o;
}

std::vector<FakeOnetV2::Skill> skills(int n) {
  std::vector<FakeOnetV2::Skill> out;
  for (int i = 0; i < n; ++i) {
    out.push_back({"2.A.1." + std::string(1, static_cast<char>('a' + i)), "Skill " + std::to_string(i), 1.0 + i * 0.25,
                   2.0 + i * 0.125, i == 0 ? "Y" : "N"});
  }
  return out;
}

// Captures every log line written through the logger given to the client.
struct LogCapture {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> logger =
      std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  LogCapture() { logger->set_level(spdlog::level::trace); }
  std::string text() {
    logger->flush();
    return out.str();
  }
};

}  // namespace

TEST_CASE("onet ws: fetches title, description and every page of skills rows", "[gap][onet_ws]") {
  FakeOnetV2 fake;
  fake.add("15-9999.00", "Fake Developers", skills(5));  // 10 rows
  fake.page_limit(3);                                    // -> 4 pages via `next`
  LogCapture log;
  gap::OnetWsClient client(options_for(fake), log.logger);
  auto occ = client.fetch("15-9999.00");
  REQUIRE(occ);
  CHECK(occ->code == "15-9999.00");
  CHECK(occ->title == "Fake Developers");
  CHECK(occ->description == "Fake description of Fake Developers.");
  REQUIRE(occ->ratings.size() == 10);
  CHECK(fake.hits("/database/rows/skills") == 4);
  const auto& first_lv = occ->ratings[1];
  CHECK(first_lv.scale_id == "LV");
  CHECK(first_lv.element_id == "2.A.1.a");
  CHECK(first_lv.data_value == 1.0);
  CHECK(first_lv.not_relevant == 'Y');
  CHECK(occ->ratings[0].scale_id == "IM");
  CHECK_FALSE(occ->ratings[0].not_relevant.has_value());
  CHECK(occ->ratings[0].n == 8);
  for (const auto& k : fake.keys_seen()) CHECK(k == "test-key-123");
  CHECK(log.text().find("test-key-123") == std::string::npos);
}

TEST_CASE("onet ws: 422 and 404 mean not found", "[gap][onet_ws]") {
  FakeOnetV2 fake;
  gap::OnetWsClient client(options_for(fake));
  CHECK_FALSE(client.fetch("15-0000.00").has_value());  // the fake answers 422
  CHECK(fake.hits("/online/occupations/") == 1);        // no retries for "not found"
}

TEST_CASE("onet ws: an occupation without skills rows comes back with none", "[gap][onet_ws]") {
  FakeOnetV2 fake;
  fake.add("11-1031.00", "Legislators", {});
  gap::OnetWsClient client(options_for(fake));
  auto occ = client.fetch("11-1031.00");
  REQUIRE(occ);
  CHECK(occ->ratings.empty());
}

TEST_CASE("onet ws: 429 and 5xx are retried with backoff, a bounded number of times", "[gap][onet_ws]") {
  FakeOnetV2 fake;
  fake.add("15-9999.00", "Fake Developers", skills(2));
  LogCapture log;
  SECTION("recovers within the attempts") {
    fake.fail_first("/online/occupations/", {429, 503});
    gap::OnetWsClient client(options_for(fake), log.logger);
    auto occ = client.fetch("15-9999.00");
    REQUIRE(occ);
    CHECK(occ->ratings.size() == 4);
    CHECK(fake.hits("/online/occupations/") == 3);
    CHECK(log.text().find("retry 1/2") != std::string::npos);
  }
  SECTION("gives up after max_attempts") {
    fake.fail_first("/database/rows/skills", {500, 502, 503, 504});
    gap::OnetWsClient client(options_for(fake), log.logger);
    try {
      client.fetch("15-9999.00");
      FAIL("expected RemoteUnavailable");
    } catch (const gap::RemoteUnavailable& e) {
      CHECK(std::string(e.what()).find("after 3 attempt(s): HTTP 503") != std::string::npos);
      CHECK(std::string(e.what()).find("test-key-123") == std::string::npos);
    }
    CHECK(fake.hits("/database/rows/skills") == 3);
  }
  CHECK(log.text().find("test-key-123") == std::string::npos);
}

TEST_CASE("onet ws: a refused key is an error, not 'not found', and is not retried", "[gap][onet_ws]") {
  FakeOnetV2 fake;
  fake.add("15-9999.00", "Fake Developers", skills(1));
  gap::OnetWsClient client(options_for(fake, "wrong-key-456"));
  try {
    client.fetch("15-9999.00");
    FAIL("expected RemoteUnavailable");
  } catch (const gap::RemoteUnavailable& e) {
    CHECK(std::string(e.what()).find("API key was refused (HTTP 403)") != std::string::npos);
    CHECK(std::string(e.what()).find("wrong-key-456") == std::string::npos);
  }
  CHECK(fake.hits("/online/occupations/") == 1);
}

TEST_CASE("onet ws: a slow server times out, then the call is retried and reported", "[gap][onet_ws]") {
  // The fake holds every answer for 60 s (released when the test ends), so the only way the
  // fetch can end in time is the client's own 200 ms timeout: no wall-clock bound is needed. A
  // client that waited for the answer would get a 200 after a minute and the CHECK_THROWS
  // would fail (ctest's own timeout is longer).
  FakeOnetV2 fake;
  fake.add("15-9999.00", "Fake Developers", skills(1));
  fake.delay(std::chrono::seconds(60));
  auto o = options_for(fake);
  o.timeout = std::chrono::milliseconds(200);
  o.max_attempts = 2;
  o.backoff = std::chrono::milliseconds(1);
  gap::OnetWsClient client(o);
  try {
    client.fetch("15-9999.00");
    FAIL("a held answer came back");
  } catch (const gap::RemoteUnavailable& e) {
    const std::string what = e.what();
    CHECK(what.find("after 2 attempt(s)") != std::string::npos);
    CHECK(what.find("Timeout was reached") != std::string::npos);  // curl's words for CURLE_OPERATION_TIMEDOUT
  }
  CHECK(fake.hits("/online/occupations/") == 2);  // timed out, asked again, timed out
  fake.delay(std::chrono::milliseconds(0));
}

TEST_CASE("onet ws: a `next` link to another host is not followed (the key stays home)", "[gap][onet_ws]") {
  FakeOnetV2 fake;
  fake.add("15-9999.00", "Fake Developers", skills(3));
  fake.page_limit(2);
  fake.next_base("http://127.0.0.2:9");
  LogCapture log;
  gap::OnetWsClient client(options_for(fake), log.logger);
  auto occ = client.fetch("15-9999.00");
  REQUIRE(occ);
  CHECK(occ->ratings.size() == 2);  // the first page only
  CHECK(log.text().find("not following") != std::string::npos);
}

TEST_CASE("onet ws: an unreachable server is RemoteUnavailable after the retries", "[gap][onet_ws]") {
  gap::OnetWsOptions o;
  o.base_url = "http://127.0.0.1:1";  // nothing listens on port 1
  o.api_key = "k";
  o.backoff = std::chrono::milliseconds(1);
  gap::OnetWsClient client(o);
  CHECK_THROWS_AS(client.fetch("15-9999.00"), gap::RemoteUnavailable);
}
