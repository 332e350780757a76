// A real kill: `dagrun run pipelines/sample.yaml` in a child process, SIGKILLed while it is
// asking the fake server; the rerun asks only for the occupations whose answers were not
// committed before the kill.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "fake_llm_server.hpp"
#include "llm_test_util.hpp"
#include "support/test_support.hpp"

using namespace llmtest;

TEST_CASE("a killed dagrun run resumes with only the remaining calls", "[llm][sqlite][resume][kill]") {
  const std::string dagrun = testing_support::build_path("engine/cli/dagrun");
  if (::access(dagrun.c_str(), X_OK) != 0) {
    WARN("SKIPPED: " << dagrun << " is not built (ninja dagrun)");
    return;
  }
  testing_support::TempDir dir("llm-kill");
  const std::string db = "sqlite:" + (dir / "onet.db").string();
  const auto lv = mini_lv();
  FakeLlmServer server;
  auto good = [&](const FakeCall& c) {
    std::vector<std::pair<std::string, double>> levels;
    for (const auto& id : c.element_ids) {
      auto it = lv.find({c.code, id});
      levels.emplace_back(id, it != lv.end() ? 0.8 * it->second + 1.7 : 3.0);
    }
    FakeAnswer a;
    a.text = answer_text(c.code, levels);
    a.delay = std::chrono::milliseconds(200);
    return a;
  };
  server.script(good);

  std::vector<std::string> args = {dagrun, "run", "pipelines/sample.yaml", "--no-progress"};
  for (const auto& o : llm_overrides("openai", server.base_url(), db)) {
    if (o.find("api_key") != std::string::npos) continue;  // from the environment below
    args.push_back("--set");
    args.push_back(o);
  }
  args.push_back("--set");
  args.push_back("nodes.llm.params.concurrency=1");
  const std::string log_file = (dir / "dagrun.log").string();

  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::setenv("LLM_API_KEY", "test-key-0123456789", 1);
    std::FILE* f = std::freopen(log_file.c_str(), "w", stderr);
    (void)f;
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(dagrun.c_str(), argv.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (server.calls() < 4 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  INFO(testing_support::read_file(log_file));
  REQUIRE(server.calls() >= 4);
  REQUIRE(WIFSIGNALED(status));

  // Occupations committed before the kill (the 4th request was in flight: at most 3).
  const int kept = std::stoi(scalar(db, "SELECT COUNT(DISTINCT onetsoc_code) FROM llm_assessments WHERE status = 'ok'"));
  CHECK(kept >= 2);
  CHECK(kept <= 3);
  CHECK(scalar(db, "SELECT COUNT(*) FROM llm_assessments WHERE status = 'ok'") == std::to_string(kept * 8));
  CHECK(scalar(db, "SELECT COUNT(*) FROM occupation_ratings") == "0");

  server.reset_log();
  auto again = run_pipeline_file("sample.yaml", llm_overrides("openai", server.base_url(), db));
  INFO(again.error);
  REQUIRE(again.ok);
  CHECK(server.calls() == 8 - kept);
  CHECK(scalar(db,
               "SELECT COUNT(*) FROM occupation_ratings WHERE scale_id = 'LV' AND llm_value IS NOT NULL AND "
               "element_id NOT LIKE '2.C%'") == "64");
}
