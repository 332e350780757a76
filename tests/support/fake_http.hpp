#pragma once
// A tiny HTTP/1.1 server on 127.0.0.1 for tests of code that downloads: serves fixed bodies by
// path, can lie about Content-Length (to simulate a cut connection), counts requests.
// One thread, one connection at a time, "Connection: close" on every reply. RAII: the
// destructor stops the thread and closes the socket.
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace testing_support {

struct FakeResponse {
  int status = 200;
  std::string body;
  // Announced Content-Length; larger than body.size() makes the server close early.
  std::optional<std::size_t> content_length;
  std::string content_type = "application/zip";
};

class FakeHttpServer {
 public:
  FakeHttpServer();  // listens on an ephemeral port; throws std::runtime_error on failure
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  void route(const std::string& path, FakeResponse r);  // unknown paths get 404
  std::string url(const std::string& path) const;       // "http://127.0.0.1:<port><path>"
  int port() const { return port_; }
  int requests(const std::string& path) const;

 private:
  void serve();
  void handle(int fd);

  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};  // self-pipe that interrupts poll() on shutdown
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::map<std::string, FakeResponse> routes_;
  std::map<std::string, int> hits_;
  std::thread thread_;
};

}  // namespace testing_support
