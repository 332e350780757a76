// Release resolution: folder, zip built at test time, and URL through a fake HTTP server on
// loopback (success + cache reuse, 404, cut body, checksum mismatch).
#include <catch2/catch.hpp>

#include "nodes/onet/download.hpp"
#include "nodes/onet/release_source.hpp"
#include "nodes/onet/resolve_release.hpp"
#include "nodes/onet/sha256.hpp"
#include "onet_test_util.hpp"
#include "support/fake_http.hpp"

using namespace onet;
using testing_support::FakeHttpServer;
using testing_support::FakeResponse;
using testing_support::read_file;
using testing_support::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kAdvice =
    "To use a local copy instead, set ONET_SOURCE=/path/to/db_29_2_text (the unzipped folder or the .zip) or run "
    "with --set nodes.src.params.location=/path/to/db_29_2_text";

std::string resolve_error(const SourceOptions& o) {
  try {
    resolve_release(o);
  } catch (const SourceError& e) {
    return e.what();
  }
  return "(no error)";
}

SourceOptions at(const fs::path& location) {
  SourceOptions o;
  o.location = location.string();
  return o;
}

std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> names;
  if (!fs::exists(dir)) return names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("release label from O*NET names", "[onet][source]") {
  CHECK(release_from_name("db_29_2_text") == "29.2");
  CHECK(release_from_name("/x/y/db_29_2_text/") == "29.2");
  CHECK(release_from_name("db_30_1_text.zip") == "30.1");
  CHECK(release_from_name("https://www.onetcenter.org/dl_files/database/db_29_2_text.zip") == "29.2");
  CHECK(release_from_name("http://h/db_28_3_text.zip?x=1") == "28.3");
  CHECK_FALSE(release_from_name("onet_mini").has_value());
  CHECK_FALSE(release_from_name("db_29_2_excel.zip").has_value());
  CHECK(cache_name_for("https://h/a/db_29_2_text.zip?token=1") == "db_29_2_text.zip");
  CHECK(cache_name_for("https://h/") == "onet_release.zip");
}

TEST_CASE("sha256 through OpenSSL", "[onet][source]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("a local db_XX_X_text folder", "[onet][source]") {
  TempDir tmp("onet-src");
  auto dir = onettest::copy_fixture(tmp.path(), "db_29_1_text");
  SourceOptions o;
  o.location = dir.string();
  o.node_id = "src";
  auto r = resolve_release(o);
  CHECK(r->release == "29.1");
  CHECK(r->location == dir.string());
  CHECK(r->source->describe() == "folder " + dir.string());
  CHECK(r->checksum.size() == 64);
  CHECK(r->source->read_table("Skills") == read_file(dir / "Skills.txt"));
  CHECK_FALSE(r->source->read_table("Abilities").has_value());

  // The checksum covers file names and contents.
  auto again = resolve_release(o);
  CHECK(again->checksum == r->checksum);
  onettest::append_line(dir / "Scales Reference.txt", "XX\tExtra\t0\t1");
  CHECK(resolve_release(o)->checksum != r->checksum);

  SECTION("expected checksum") {
    o.sha256 = std::string(64, '0');
    CHECK(resolve_error(o) == "checksum mismatch for folder " + dir.string() + ": expected sha256 " + o.sha256 + ", got " +
                                  resolve_release(at(dir))->checksum);
  }
  SECTION("release param overrides the name") {
    o.release = "29.2-test";
    CHECK(resolve_release(o)->release == "29.2-test");
  }
  SECTION("a folder without an O*NET name needs the release param") {
    auto mini = onettest::copy_fixture(tmp.path(), "onet_mini");
    CHECK(resolve_error(at(mini)) ==
          "cannot tell the O*NET release from '" + mini.string() +
              "' (expected a name like db_29_2_text); set the `release` parameter, e.g. release: \"29.2\"");
  }
}

TEST_CASE("a missing local source says how to point at a local copy", "[onet][source]") {
  SourceOptions o;
  o.location = "/nonexistent/db_29_2_text";
  o.node_id = "src";
  CHECK(resolve_error(o) == "O*NET source '/nonexistent/db_29_2_text' does not exist. " + kAdvice);
  o.location = "ftp://example.org/db_29_2_text.zip";
  CHECK(resolve_error(o) ==
        "location 'ftp://example.org/db_29_2_text.zip': unsupported scheme (use a folder, a .zip or an http(s) URL)");
}

TEST_CASE("a release zip built at test time", "[onet][source]") {
  TempDir tmp("onet-zip");
  auto zip = tmp / "release.zip";
  onettest::make_zip(onettest::fixture_dir(), zip, "db_28_3_text/");
  SourceOptions o;
  o.location = zip.string();
  auto r = resolve_release(o);
  CHECK(r->release == "28.3");  // from the zip's top folder: the file name says nothing
  CHECK(r->checksum == sha256_file(zip.string()));
  CHECK(r->source->describe() == "zip " + zip.string());
  CHECK(r->source->read_table("Skills") == read_file(onettest::fixture_dir() / "Skills.txt"));
  CHECK(r->source->read_table("Occupation Data") == read_file(onettest::fixture_dir() / "Occupation Data.txt"));
  CHECK_FALSE(r->source->read_table("Abilities").has_value());

  SECTION("a flat zip named like a release") {
    auto flat = tmp / "db_27_0_text.zip";
    onettest::make_zip(onettest::fixture_dir(), flat, "");
    CHECK(resolve_release(at(flat))->release == "27.0");
  }
  SECTION("expected checksum") {
    o.sha256 = sha256_file(zip.string());
    CHECK_NOTHROW(resolve_release(o));
    o.sha256 = std::string(64, 'a');
    CHECK(resolve_error(o) ==
          "checksum mismatch for zip " + zip.string() + ": expected sha256 " + o.sha256 + ", got " + sha256_file(zip.string()));
  }
  SECTION("a file that is not a zip") {
    auto txt = tmp / "db_29_2_text.zip";
    testing_support::write_file(txt, "not a zip");
    CHECK(resolve_error(at(txt)) == "O*NET source '" + txt.string() +
                                        "' is neither a folder nor a readable zip (cannot open zip " + txt.string() +
                                        ": Not a zip archive)");
  }
}

TEST_CASE("a URL is downloaded once into the cache and verified on reuse", "[onet][source][http]") {
  TempDir tmp("onet-http");
  auto zip = tmp / "built.zip";
  onettest::make_zip(onettest::fixture_dir(), zip, "db_29_2_text/");
  const std::string bytes = read_file(zip);
  const std::string sha = sha256_hex(bytes);
  FakeHttpServer server;
  server.route("/files/db_29_2_text.zip", FakeResponse{200, bytes, std::nullopt});
  auto cache = tmp / "cache";

  SourceOptions o;
  o.location = server.url("/files/db_29_2_text.zip");
  o.cache_dir = cache.string();
  o.node_id = "src";
  o.timeout_s = 20;
  auto r = resolve_release(o);
  CHECK(r->release == "29.2");
  CHECK(r->checksum == sha);
  CHECK(r->location == o.location);
  CHECK(r->source->describe() == "zip " + (cache / "db_29_2_text.zip").string() + " (downloaded from " + o.location + ")");
  CHECK(r->source->read_table("Knowledge") == read_file(onettest::fixture_dir() / "Knowledge.txt"));
  CHECK(listing(cache) == std::vector<std::string>{"db_29_2_text.zip", "db_29_2_text.zip.sha256"});
  CHECK(read_file(cache / "db_29_2_text.zip.sha256") == sha + "  db_29_2_text.zip\n");
  CHECK(read_file(cache / "db_29_2_text.zip") == bytes);
  CHECK(server.requests("/files/db_29_2_text.zip") == 1);

  // Reuse: no second request.
  o.sha256 = sha;
  CHECK(resolve_release(o)->checksum == sha);
  CHECK(server.requests("/files/db_29_2_text.zip") == 1);

  // A cache file that no longer matches its recorded checksum is fetched again.
  testing_support::write_file(cache / "db_29_2_text.zip", bytes.substr(0, bytes.size() / 2));
  CHECK(resolve_release(o)->checksum == sha);
  CHECK(server.requests("/files/db_29_2_text.zip") == 2);
  CHECK(read_file(cache / "db_29_2_text.zip") == bytes);
}

TEST_CASE("download failures say what failed, leave no file behind and give the local-copy advice", "[onet][source][http]") {
  TempDir tmp("onet-http-bad");
  auto zip = tmp / "built.zip";
  onettest::make_zip(onettest::fixture_dir(), zip, "db_29_2_text/");
  const std::string bytes = read_file(zip);
  FakeHttpServer server;
  auto cache = tmp / "cache";
  SourceOptions o;
  o.cache_dir = cache.string();
  o.node_id = "src";
  o.timeout_s = 20;

  SECTION("404") {
    o.location = server.url("/missing/db_29_2_text.zip");
    CHECK(resolve_error(o) == "download of " + o.location + " failed: HTTP 404. " + kAdvice);
    CHECK(listing(cache).empty());
  }
  SECTION("truncated body: Content-Length larger than what arrives") {
    server.route("/cut/db_29_2_text.zip", FakeResponse{200, bytes.substr(0, 500), bytes.size()});
    o.location = server.url("/cut/db_29_2_text.zip");
    CHECK(resolve_error(o) == "download of " + o.location + " failed: transfer closed with " +
                                  std::to_string(bytes.size() - 500) + " bytes remaining to read. " + kAdvice);
    CHECK(listing(cache).empty());
  }
  SECTION("checksum mismatch") {
    server.route("/ok/db_29_2_text.zip", FakeResponse{200, bytes, std::nullopt});
    o.location = server.url("/ok/db_29_2_text.zip");
    o.sha256 = std::string(64, 'b');
    CHECK(resolve_error(o) == "download of " + o.location + " failed: checksum mismatch: expected sha256 " + o.sha256 + ", got " +
                                  sha256_hex(bytes) + ". " + kAdvice);
    CHECK(listing(cache).empty());
  }
  SECTION("server error") {
    server.route("/err/db_29_2_text.zip", FakeResponse{500, "boom", std::nullopt, "text/plain"});
    o.location = server.url("/err/db_29_2_text.zip");
    CHECK(resolve_error(o) == "download of " + o.location + " failed: HTTP 500. " + kAdvice);
    CHECK(listing(cache).empty());
  }
  SECTION("nothing listening") {
    int port = 0;
    {
      FakeHttpServer gone;
      port = gone.port();
    }
    o.location = "http://127.0.0.1:" + std::to_string(port) + "/db_29_2_text.zip";
    auto msg = resolve_error(o);
    CHECK(msg.rfind("download of " + o.location + " failed: ", 0) == 0);
    CHECK(msg.find("127.0.0.1") != std::string::npos);
    CHECK(msg.size() > kAdvice.size());
    CHECK(msg.substr(msg.size() - kAdvice.size()) == kAdvice);
    CHECK(listing(cache).empty());
  }
  SECTION("a body that is not a zip") {
    server.route("/html/db_29_2_text.zip", FakeResponse{200, "<html>login page</html>", std::nullopt, "text/html"});
    o.location = server.url("/html/db_29_2_text.zip");
    CHECK(resolve_error(o) == "the download of " + o.location + " is not a readable release zip (cannot open zip " +
                                  (cache / "db_29_2_text.zip").string() + ": Not a zip archive). " + kAdvice);
    CHECK(listing(cache).empty());
  }
}
