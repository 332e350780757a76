// Scaling (issue 6): two skillgap-api processes on one MariaDB database while `dagrun` reloads
// it with a different dataset, twice (A -> B -> A). A client loop hits both processes the whole
// time; every answer must be a 200 whose gaps are exactly those of one whole dataset — the one
// its `load_run_id` names — and both processes must move to each new load run shortly after
// the run commits. Timing is only bounded generously (a loaded 2-core machine); the observed
// lags are printed.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include <soci/soci.h>

#include "tests/api/api_test_support.hpp"
#include "nodes/sql/database.hpp"
#include "support/test_support.hpp"
#include "tests/mariadb/mariadb_test_support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

using testing_support::free_port;

// skillgap-api as a child process; SIGTERM then SIGKILL by the destructor.
class ApiProcess {
 public:
  ApiProcess(const std::string& db_url, const fs::path& log)
      : port_(free_port()),
        child_({SKILLGAP_API_BIN, "--listen", "127.0.0.1:" + std::to_string(port_), "--threads", "2", "--refresh-seconds", "1",
                "--pipeline", testing_support::repo_path("pipelines/skill_gap.yaml")},
               log, {"DATABASE_URL=" + db_url}) {}  // the URL not on the command line
  ~ApiProcess() { child_.stop(); }
  ApiProcess(const ApiProcess&) = delete;
  ApiProcess& operator=(const ApiProcess&) = delete;
  int port() const { return port_; }
  bool alive() { return child_.running(); }

  bool wait_ready(std::chrono::seconds timeout) const {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      try {
        if (apitest::get(port_, "/readyz").status == 200) return true;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

 private:
  int port_;
  testing_support::ChildProcess child_;
};

// Dataset B: the fixture with every Skills LV value v replaced by 7 - v (still in the scale's
// range), so almost every pair's gaps change, and a response mixing the two datasets (one side
// from each) matches neither.
fs::path make_flipped_fixture(const fs::path& dir) {
  const fs::path src = testing_support::repo_path("tests/fixtures/onet_mini");
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(src)) fs::copy_file(e.path(), dir / e.path().filename());
  std::ifstream in(src / "Skills.txt", std::ios::binary);
  std::stringstream whole;
  whole << in.rdbuf();
  std::string text = whole.str(), out, line;
  std::size_t pos = 0, changed = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl + 1 - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    std::vector<std::string> f;
    std::size_t a = 0;
    for (std::size_t b; (b = line.find('\t', a)) != std::string::npos; a = b + 1) f.push_back(line.substr(a, b - a));
    f.push_back(line.substr(a));
    if (f.size() > 4 && f[3] == "LV") {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f", 7.0 - std::stod(f[4]));
      f[4] = buf;
      line.clear();
      for (std::size_t i = 0; i < f.size(); ++i) line += (i ? "\t" : "") + f[i];
      ++changed;
    }
    out += line;  // the last field keeps its CRLF
  }
  REQUIRE(changed >= 40);
  testing_support::write_file(dir / "Skills.txt", out);
  return dir;
}

// `dagrun run pipelines/sample.yaml` from `source` into `db_url`, as a separate process (the
// URL goes through the environment). Returns the new completed load run id.
long long reload(const std::string& db_url, const fs::path& source, const fs::path& work) {
  std::ostringstream cmd;
  cmd << "env -u LLM_PROVIDER SAMPLE_DATABASE_URL='" << db_url << "' " << SKILLGAP_DAGRUN_BIN << " run "
      << testing_support::repo_path("pipelines/sample.yaml") << " --set nodes.source.params.location=" << source.string()
      << " --set nodes.llm.params.cache=none"
      << " --set nodes.validate.params.rejects_path=" << (work / "rejects.tsv").string() << " </dev/null";
  std::string output;
  const int rc = testing_support::run_command(cmd.str(), output);
  INFO(output);
  REQUIRE(rc == 0);
  auto s = sqldb::open_session(sqldb::DatabaseUrl::parse(db_url));
  long long id = 0;
  *s << "SELECT MAX(run_id) FROM load_runs WHERE status = 'completed'", soci::into(id);
  return id;
}

using Gaps = std::vector<apitest::RefGap>;
const char* kRated[] = {"11-9901.00", "11-9902.00", "15-9901.00", "15-9902.00", "15-9903.01", "17-9901.00"};

std::map<std::string, Gaps> expected_gaps(const std::string& db_url) {
  std::map<std::string, Gaps> out;
  for (const char* from : kRated)
    for (const char* to : kRated)
      if (std::string(from) != to) out[std::string(from) + "|" + to] = apitest::reference_gaps(db_url, from, to);
  return out;
}

bool same(const Gaps& a, const Gaps& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].element_id != b[i].element_id || a[i].from != b[i].from || a[i].to != b[i].to || a[i].gap != b[i].gap) return false;
  }
  return true;
}

// Does the body's skill_gaps equal `ref` value by value?
bool matches(const json& gaps, const Gaps& ref) {
  if (!gaps.is_array() || gaps.size() != ref.size()) return false;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const auto& g = gaps[i];
    if (g.value("element_id", "") != ref[i].element_id) return false;
    if (std::llround(g.value("from_data_value", -1.0) * 100) != std::llround(ref[i].from * 100)) return false;
    if (std::llround(g.value("to_data_value", -1.0) * 100) != std::llround(ref[i].to * 100)) return false;
    if (std::llround(g.value("gap", -1.0) * 100) != std::llround(ref[i].gap * 100)) return false;
  }
  return true;
}

struct Observation {
  int process = 0;
  Clock::time_point at;
  long long load_run_id = 0;
};

}  // namespace

TEST_CASE("scaling: two API processes stay consistent while reloads commit", "[scaling][mariadb]") {
  mariadb_test::ScratchDatabase db;         // what the two processes serve
  mariadb_test::ScratchDatabase reference;  // dataset B alone, for its expected answers
  testing_support::TempDir dir("scaling");
  const fs::path dataset_a = testing_support::repo_path("tests/fixtures/onet_mini");
  const fs::path dataset_b = make_flipped_fixture(dir / "onet_mini_flipped");

  // Expected answers of both datasets, computed in SQL before anything is served.
  reload(reference.url(), dataset_b, dir.path());
  const long long run_a1 = reload(db.url(), dataset_a, dir.path());
  std::map<std::string, Gaps> expected[2] = {expected_gaps(db.url()), expected_gaps(reference.url())};
  int differing = 0;
  for (const auto& [pair, gaps] : expected[0]) differing += same(gaps, expected[1].at(pair)) ? 0 : 1;
  INFO("pairs whose gaps differ between the datasets: " << differing << " of " << expected[0].size());
  REQUIRE(differing >= 25);  // a mix, or the wrong dataset, is detectable

  ApiProcess p0(db.url(), dir / "api0.log"), p1(db.url(), dir / "api1.log");
  ApiProcess* procs[2] = {&p0, &p1};
  REQUIRE(p0.wait_ready(std::chrono::seconds(60)));
  REQUIRE(p1.wait_ready(std::chrono::seconds(60)));

  std::mutex mu;
  std::map<long long, int> dataset_of = {{run_a1, 0}};  // load run -> dataset (0 = A, 1 = B)
  std::vector<std::string> failures;
  std::vector<Observation> seen;
  std::atomic<long long> requests{0};
  std::atomic<bool> stop{false};
  long long latest[2] = {0, 0};  // per process, under mu

  // Runs registered in dataset_of before the load that creates them commits: a response
  // naming an id not in the map yet is checked once the id is known (kept in `pending`).
  struct Pending {
    long long id;
    std::string pair;
    json gaps;
  };
  std::vector<Pending> pending;

  auto client = [&](int t) {
    std::vector<std::string> pairs;
    for (const auto& [pair, gaps] : expected[0]) pairs.push_back(pair);
    std::size_t i = static_cast<std::size_t>(t) * 7;
    long long last_id[2] = {0, 0};
    while (!stop.load()) {
      const int proc = static_cast<int>(i % 2);  // every thread alternates between the processes
      const std::string& pair = pairs[(i / 2) % pairs.size()];
      ++i;
      const auto bar = pair.find('|');
      const std::string target = "/skill-gap?from=" + pair.substr(0, bar) + "&to=" + pair.substr(bar + 1);
      std::string problem;
      json body;
      try {
        auto r = apitest::get(procs[proc]->port(), target);
        if (r.status != 200) {
          problem = "status " + std::to_string(r.status) + ": " + r.body.substr(0, 300);
        } else {
          body = r.json();
        }
      } catch (const std::exception& e) {
        problem = std::string("request failed: ") + e.what();
      }
      ++requests;
      std::lock_guard lock(mu);
      if (!problem.empty()) {
        failures.push_back("process " + std::to_string(proc) + " " + target + ": " + problem);
        continue;
      }
      const long long id = body["result"].value("load_run_id", 0LL);
      if (id < last_id[proc]) {
        failures.push_back("process " + std::to_string(proc) + " went back from load run " + std::to_string(last_id[proc]) +
                           " to " + std::to_string(id));
      }
      last_id[proc] = id;
      latest[proc] = std::max(latest[proc], id);
      seen.push_back({proc, Clock::now(), id});
      auto it = dataset_of.find(id);
      if (it == dataset_of.end()) {
        pending.push_back({id, pair, body["result"]["skill_gaps"]});
      } else if (!matches(body["result"]["skill_gaps"], expected[it->second].at(pair))) {
        failures.push_back("process " + std::to_string(proc) + " " + target + " load run " + std::to_string(id) +
                           ": gaps are not those of dataset " + (it->second ? "B" : "A") + ": " +
                           body["result"]["skill_gaps"].dump().substr(0, 300));
      }
    }
  };

  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) clients.emplace_back(client, t);

  auto wait_requests = [&](long long n) {
    const long long target = requests.load() + n;
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (requests.load() < target && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  };
  // Until both processes answer with `id` (or the generous deadline); returns the lag of the
  // slower one after `committed` (dagrun's exit: the commit itself is a little earlier, so
  // the lag may be slightly negative), in seconds, or nothing on timeout.
  auto converge = [&](long long id, Clock::time_point committed) -> std::optional<double> {
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < deadline) {
      {
        std::lock_guard lock(mu);
        if (latest[0] >= id && latest[1] >= id) {
          Clock::time_point first[2] = {Clock::time_point::max(), Clock::time_point::max()};
          for (const auto& o : seen)
            if (o.load_run_id >= id && o.at < first[o.process]) first[o.process] = o.at;
          return std::chrono::duration<double>(std::max(first[0], first[1]) - committed).count();
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
  };

  wait_requests(100);  // traffic on dataset A first
  std::vector<double> lags;
  long long last = run_a1;
  for (int step = 0; step < 2; ++step) {
    const int next_dataset = step == 0 ? 1 : 0;
    // The id the run will get is not known before it commits; any id above `last` that shows
    // up before we know it is resolved below.
    const long long id = reload(db.url(), next_dataset ? dataset_b : dataset_a, dir.path());
    const auto committed = Clock::now();
    {
      std::lock_guard lock(mu);
      dataset_of[id] = next_dataset;
      for (const auto& p : pending) {
        auto it = dataset_of.find(p.id);
        if (it == dataset_of.end()) {
          failures.push_back("load run " + std::to_string(p.id) + " served but never committed");
        } else if (!matches(p.gaps, expected[it->second].at(p.pair))) {
          failures.push_back("load run " + std::to_string(p.id) + " " + p.pair + ": gaps are not those of its dataset");
        }
      }
      pending.clear();
    }
    REQUIRE(id > last);
    last = id;
    const auto lag = converge(id, committed);
    CHECK(lag.has_value());  // both processes picked the new run up within 30 s
    lags.push_back(lag.value_or(-1));
    wait_requests(100);  // and some traffic on the new dataset
  }
  stop = true;
  for (auto& t : clients) t.join();

  std::map<long long, long long> per_run;
  for (const auto& o : seen) ++per_run[o.load_run_id];
  std::ostringstream summary;
  summary << requests.load() << " requests, " << failures.size() << " failures; per load run:";
  for (const auto& [id, n] : per_run) summary << " " << id << "=" << n;
  summary << "; convergence after commit (s):";
  for (double l : lags) summary << " " << l;
  WARN(summary.str());  // visible in the ctest log

  for (std::size_t k = 0; k < std::min<std::size_t>(failures.size(), 10); ++k) UNSCOPED_INFO(failures[k]);
  CHECK(failures.empty());
  CHECK(pending.empty());
  CHECK(per_run.size() == 3);  // A, B and A again were each served
  for (const auto& [id, n] : per_run) CHECK(dataset_of.count(id) == 1);
  CHECK(p0.alive());
  CHECK(p1.alive());
}
