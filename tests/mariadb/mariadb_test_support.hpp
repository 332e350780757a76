#pragma once
// MariaDB for tests: the shared server of the `mariadb` ctest fixture (see CMakeLists.txt here)
// and private servers for tests that must kill one.
#include <filesystem>
#include <string>

namespace mariadb_test {

// URL of the fixture's server: $SKILLGAP_MARIADB_URL when set, else the URL file written by
// the fixture (build/mariadb.url). Throws std::runtime_error explaining how to get a server.
std::string server_url();

// A database of its own on a server (onet_t<pid>_<n>), created by the constructor and dropped
// by the destructor, so tests running in parallel never share tables.
class ScratchDatabase {
 public:
  explicit ScratchDatabase(const std::string& server = server_url());
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;
  const std::string& url() const { return url_; }  // includes the password: pass, never print
  const std::string& name() const { return name_; }

 private:
  std::string server_, name_, url_;
};

// A server started by this test alone (own datadir and port) through
// scripts/mariadb-test-server.sh; stopped and removed by the destructor.
class PrivateServer {
 public:
  explicit PrivateServer(const std::filesystem::path& dir);
  ~PrivateServer();
  PrivateServer(const PrivateServer&) = delete;
  PrivateServer& operator=(const PrivateServer&) = delete;
  const std::string& url() const { return url_; }
  void kill();     // SIGKILL: a crash; the datadir stays
  void restart();  // start again on the same datadir and port (InnoDB recovers)
  void pause();    // SIGSTOP: the server holds its connections but answers nothing
  void resume();   // SIGCONT

 private:
  std::filesystem::path dir_;
  std::string url_;
};

// Runs `cmd` through /bin/sh; returns its exit status, stdout+stderr in `output`.
int run_command(const std::string& cmd, std::string& output);

}  // namespace mariadb_test
