#include "tests/mariadb/mariadb_test_support.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>
#include <csignal>
#include <sys/wait.h>

#include <soci/soci.h>

#include "nodes/sql/database.hpp"

namespace mariadb_test {
namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string script(const std::string& args) {
  std::string output;
  std::string cmd = quote(SKILLGAP_MARIADB_SCRIPT) + " " + args;
  if (run_command(cmd, output) != 0) {
    throw std::runtime_error("mariadb-test-server.sh " + args + " failed:\n" + output);
  }
  // The URL is the last line; the script may print server notes before it.
  output = trim(output);
  auto nl = output.rfind('\n');
  return nl == std::string::npos ? output : output.substr(nl + 1);
}

}  // namespace

int run_command(const std::string& cmd, std::string& output) {
  output.clear();
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) throw std::runtime_error("cannot run: " + cmd);
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) output.append(buf.data(), n);
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string server_url() {
  if (const char* env = std::getenv("SKILLGAP_MARIADB_URL"); env && *env) return env;
  std::ifstream in(SKILLGAP_MARIADB_URL_FILE);
  std::string url;
  if (!in || !std::getline(in, url) || trim(url).empty()) {
    throw std::runtime_error(std::string("no MariaDB test server: ") + SKILLGAP_MARIADB_URL_FILE +
                             " is missing. Run the test through ctest (fixture `mariadb` starts "
                             "one) or set SKILLGAP_MARIADB_URL=mysql://user:pass@host:port/db");
  }
  return trim(url);
}

ScratchDatabase::ScratchDatabase(const std::string& server) : server_(server) {
  static std::atomic<int> counter{0};
  std::random_device rd;
  name_ = "onet_t" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(rd() % 100000);
  auto slash = server_.rfind('/');
  if (slash == std::string::npos || server_.find('?', slash) != std::string::npos) {
    throw std::runtime_error("ScratchDatabase: expected a URL ending in /<db> without ?options");
  }
  url_ = server_.substr(0, slash + 1) + name_;
  auto s = sqldb::open_session(sqldb::DatabaseUrl::parse(server_));
  *s << "CREATE DATABASE `" + name_ + "` CHARACTER SET utf8mb4";
}

ScratchDatabase::~ScratchDatabase() {
  try {
    auto s = sqldb::open_session(sqldb::DatabaseUrl::parse(server_));
    *s << "DROP DATABASE IF EXISTS `" + name_ + "`";
  } catch (...) {
    // The server may be gone (a test killed it); the fixture removes its datadir anyway.
  }
}

PrivateServer::PrivateServer(const std::filesystem::path& dir) : dir_(std::filesystem::absolute(dir)) {
  // --owner-pid: should this test die without running destructors, the server goes too.
  url_ = script("start " + quote(dir_.string()) + " auto --fresh --owner-pid " + std::to_string(getpid()));
}

PrivateServer::~PrivateServer() {
  std::string output;
  run_command(quote(SKILLGAP_MARIADB_SCRIPT) + " stop " + quote(dir_.string()), output);
}

void PrivateServer::kill() { script("kill " + quote(dir_.string())); }

void PrivateServer::restart() {
  auto url = script("start " + quote(dir_.string()));
  if (url != url_) throw std::runtime_error("restarted server moved from " + url_ + " to " + url);
}

namespace {
void signal_server(const std::filesystem::path& dir, int sig) {
  std::ifstream in(dir / "mysqld.pid");
  long pid = 0;
  if (!(in >> pid) || pid <= 0) throw std::runtime_error("no pid file in " + dir.string());
  if (::kill(static_cast<pid_t>(pid), sig) != 0) {
    throw std::runtime_error("cannot signal mariadbd " + std::to_string(pid));
  }
}
}  // namespace

void PrivateServer::pause() { signal_server(dir_, SIGSTOP); }
void PrivateServer::resume() { signal_server(dir_, SIGCONT); }

}  // namespace mariadb_test
