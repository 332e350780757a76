#pragma once
// Small helpers shared by the test executables.
#include <filesystem>
#include <chrono>
#include <string>
#include <vector>

namespace testing_support {

// A fresh directory under the build tree, removed with everything in it on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "t");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

void write_file(const std::filesystem::path& p, const std::string& content);
std::string read_file(const std::filesystem::path& p);

// Real O*NET 29.2 text files: $ONET_DATA_DIR or ../shared/onet/db_29_2_text beside the repo.
// Empty when absent (callers WARN and skip).
std::string onet_data_dir();

// Runs a shell command, returns its exit code; stdout+stderr go to `output`.
int run_command(const std::string& cmd, std::string& output);

// A TCP port on 127.0.0.1 that was free a moment ago (the kernel's pick for port 0).
int free_port();

// A program started as a child process (execv, no shell), stdout and stderr into `log`, with
// extra NAME=VALUE environment entries (kept off the command line). The destructor kills and
// reaps it if it is still running.
class ChildProcess {
 public:
  ChildProcess(std::vector<std::string> args, const std::string& log, std::vector<std::string> env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  int pid() const { return pid_; }
  void signal(int sig) const;
  bool running();
  // Exit status; -1 on timeout or an abnormal end (signal).
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // SIGTERM, up to `grace` to exit, then SIGKILL.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

 private:
  int pid_ = -1;
  bool reaped_ = false;
};

std::string repo_path(const std::string& rel);   // SKILLGAP_SOURCE_DIR/rel
std::string build_path(const std::string& rel);  // SKILLGAP_BINARY_DIR/rel

}  // namespace testing_support
