#include "support/fake_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace testing_support {

namespace {

void send_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) return;  // client went away: nothing to do in a test server
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

const char* reason_of(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 404:
      return "Not Found";
    case 500:
      return "Internal Server Error";
    default:
      return "Status";
  }
}

}  // namespace

FakeHttpServer::FakeHttpServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 16) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 || ::pipe(wake_) != 0) {
    int e = errno;
    ::close(listen_fd_);
    throw std::runtime_error(std::string("fake http server: ") + std::strerror(e));
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { serve(); });
}

FakeHttpServer::~FakeHttpServer() {
  stop_ = true;
  char c = 'x';
  (void)!::write(wake_[1], &c, 1);
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
  ::close(wake_[0]);
  ::close(wake_[1]);
}

void FakeHttpServer::route(const std::string& path, FakeResponse r) {
  std::lock_guard lock(mu_);
  routes_[path] = std::move(r);
}

std::string FakeHttpServer::url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

int FakeHttpServer::requests(const std::string& path) const {
  std::lock_guard lock(mu_);
  auto it = hits_.find(path);
  return it == hits_.end() ? 0 : it->second;
}

void FakeHttpServer::serve() {
  while (!stop_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents) return;
    if (!(fds[0].revents & POLLIN)) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    handle(fd);
    ::close(fd);
  }
}

void FakeHttpServer::handle(int fd) {
  std::string req;
  char buf[4096];
  while (req.find("\r\n\r\n") == std::string::npos && req.size() < 65536) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    req.append(buf, static_cast<std::size_t>(n));
  }
  // "GET /path HTTP/1.1"
  auto sp1 = req.find(' ');
  auto sp2 = req.find(' ', sp1 + 1);
  std::string path = sp1 == std::string::npos || sp2 == std::string::npos ? "/" : req.substr(sp1 + 1, sp2 - sp1 - 1);
  FakeResponse r;
  {
    std::lock_guard lock(mu_);
    ++hits_[path];
    auto it = routes_.find(path);
    if (it != routes_.end())
      r = it->second;
    else
      r = FakeResponse{404, "not found\n", std::nullopt, "text/plain"};
  }
  std::size_t announced = r.content_length.value_or(r.body.size());
  std::string head = "HTTP/1.1 " + std::to_string(r.status) + " " + reason_of(r.status) + "\r\nContent-Type: " + r.content_type +
                     "\r\nContent-Length: " + std::to_string(announced) + "\r\nConnection: close\r\n\r\n";
  send_all(fd, head.data(), head.size());
  send_all(fd, r.body.data(), std::min(r.body.size(), announced));
  ::shutdown(fd, SHUT_WR);
}

}  // namespace testing_support
