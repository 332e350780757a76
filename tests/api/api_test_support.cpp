#include "api_test_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "gap_test_db.hpp"
#include "nodes/gap/profile.hpp"
#include "nodes/sql/database.hpp"
#include "support/test_support.hpp"

namespace apitest {

void init_http() { api::init_http_threads(8); }

const std::string& mini_db_url() {
  static testing_support::TempDir dir("apimini");
  static const std::string url = gaptest::load_mini_sqlite(dir.path());
  return url;
}

api::AppConfig config_for(const std::string& db_url) {
  api::AppConfig cfg;
  cfg.database_url = db_url;
  cfg.pipeline = testing_support::repo_path("pipelines/skill_gap.yaml");
  cfg.cache.check_interval = std::chrono::milliseconds(200);
  return cfg;
}

RunningServer::RunningServer(api::AppConfig cfg, std::shared_ptr<spdlog::logger> access_log) {
  init_http();
  app_ = std::make_unique<api::App>(std::move(cfg), std::move(access_log));
  app_->start();
  api::ServerOptions opts;
  opts.host = "127.0.0.1";
  opts.port = 0;
  api::App* app = app_.get();
  server_ = std::make_unique<api::HttpServer>(
      opts, [app](const api::Request& r, api::HttpServer::Responder respond) { app->serve(r, std::move(respond)); });
  server_->start();
}

RunningServer::~RunningServer() {
  server_->stop();
  app_->stop();
}

namespace {

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    std::string err = std::strerror(errno);
    ::close(fd);
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + ": " + err);
  }
  return fd;
}

void send_all(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    auto n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;  // the server may close on garbage: reading tells what happened
    off += static_cast<std::size_t>(n);
  }
}

Reply parse_reply(const std::string& raw) {
  Reply r;
  auto head_end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || raw.compare(0, 5, "HTTP/") != 0 || head_end == std::string::npos) return r;
  r.status = std::stoi(raw.substr(9, 3));
  std::size_t pos = raw.find("\r\n") + 2;
  while (pos < head_end) {
    auto eol = raw.find("\r\n", pos);
    auto line = raw.substr(pos, eol - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      r.headers[name] = value;
    }
    pos = eol + 2;
  }
  r.body = raw.substr(head_end + 4);
  if (auto it = r.headers.find("content-length"); it != r.headers.end()) {
    r.body.resize(std::min<std::size_t>(r.body.size(), std::stoul(it->second)));
  }
  return r;
}

// Reads until the server closes or a whole Content-Length body is in.
std::string read_all(int fd, std::chrono::milliseconds timeout) {
  std::string raw;
  char buf[65536];
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<std::size_t>(n));
    auto head_end = raw.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      Reply r = parse_reply(raw);
      if (auto it = r.headers.find("content-length"); it != r.headers.end()) {
        if (raw.size() >= head_end + 4 + std::stoul(it->second)) break;
      }
    }
  }
  return raw;
}

}  // namespace

Reply raw_request(int port, const std::string& raw, std::chrono::milliseconds timeout) {
  int fd = connect_to(port);
  send_all(fd, raw);
  auto out = read_all(fd, timeout);
  ::close(fd);
  return parse_reply(out);
}

Reply get(int port, const std::string& target, const std::string& method) {
  return raw_request(port, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
}

PendingRequest::PendingRequest(int port, const std::string& target) : fd_(connect_to(port)) {
  send_all(fd_, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
}

PendingRequest::~PendingRequest() {
  if (fd_ >= 0) ::close(fd_);
}

Reply PendingRequest::read(std::chrono::milliseconds timeout) { return parse_reply(read_all(fd_, timeout)); }

namespace {
// SOCI's SQLite backend reports expression columns (no declared type) as text.
double num(const soci::row& r, std::size_t i) {
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_double:
      return r.get<double>(i);
    case soci::dt_integer:
      return r.get<int>(i);
    case soci::dt_long_long:
      return static_cast<double>(r.get<long long>(i));
    case soci::dt_unsigned_long_long:
      return static_cast<double>(r.get<unsigned long long>(i));
    default:
      return std::stod(r.get<std::string>(i));
  }
}
}  // namespace

std::vector<RefGap> reference_gaps(const std::string& db_url, const std::string& from, const std::string& to) {
  auto url = sqldb::DatabaseUrl::parse(db_url);
  auto s = sqldb::open_session(url);
  std::vector<RefGap> out;
  std::string f = from, t = to;
  soci::rowset<soci::row> rs =
      (s->prepare
           << "SELECT tr.element_id, ce.element_name, COALESCE(fr.data_value, 0.0), tr.data_value, im.data_value "
              "FROM occupation_ratings tr "
              "JOIN content_elements ce ON ce.element_id = tr.element_id "
              "LEFT JOIN occupation_ratings fr ON fr.onetsoc_code = :f AND fr.element_id = tr.element_id AND fr.scale_id = 'LV' "
              "LEFT JOIN occupation_ratings im ON im.onetsoc_code = tr.onetsoc_code AND im.element_id = tr.element_id AND "
              "im.scale_id = 'IM' "
              "WHERE tr.onetsoc_code = :t AND tr.scale_id = 'LV' AND tr.data_value IS NOT NULL "
              "AND COALESCE(tr.not_relevant, 'N') <> 'Y' "
              "AND (tr.element_id LIKE '2.A.%' OR tr.element_id LIKE '2.B.%') "
              "AND ROUND(tr.data_value * 100) > ROUND(COALESCE(fr.data_value, 0.0) * 100)",
       soci::use(f, "f"), soci::use(t, "t"));
  for (const auto& r : rs) {
    RefGap g;
    g.element_id = r.get<std::string>(0);
    g.element_name = r.get<std::string>(1);
    g.from = std::round(num(r, 2) * 100) / 100;
    g.to = std::round(num(r, 3) * 100) / 100;
    g.gap = std::round((g.to - g.from) * 100) / 100;
    if (r.get_indicator(4) == soci::i_ok) g.importance = std::round(num(r, 4) * 100) / 100;
    out.push_back(g);
  }
  std::sort(out.begin(), out.end(), [](const RefGap& a, const RefGap& b) {
    auto ga = std::llround(a.gap * 100), gb = std::llround(b.gap * 100);
    if (ga != gb) return ga > gb;
    return gap::element_id_less(a.element_id, b.element_id);
  });
  return out;
}

}  // namespace apitest
