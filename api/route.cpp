#include "api/route.hpp"

#include <stdexcept>

#include "api/errors.hpp"

namespace api {

std::string printable(std::string_view s, std::size_t max) {
  std::string out;
  for (unsigned char c : s.substr(0, max)) out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  if (s.size() > max) out += "...";
  return out;
}

// ---- Reply ------------------------------------------------------------------------------------

Reply::Reply(Sink sink, ErrorShape shape, std::string route) : state_(std::make_shared<State>()) {
  state_->sink = std::move(sink);
  state_->shape = shape;
  state_->route = std::move(route);
}

void Reply::send(Response r) const {
  if (state_->sent.exchange(true)) return;
  r.route = state_->route;
  state_->sink(std::move(r));
}

void Reply::fail(std::exception_ptr e) const { send(to_response(error_for(std::move(e), state_->route), state_->shape)); }

// ---- the table --------------------------------------------------------------------------------

namespace {

std::vector<std::string_view> split_path(std::string_view p) {
  std::vector<std::string_view> out;
  std::size_t pos = 1;  // after the leading '/'
  while (pos <= p.size()) {
    auto slash = p.find('/', pos);
    if (slash == std::string_view::npos) slash = p.size();
    out.push_back(p.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

bool is_placeholder(std::string_view seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

}  // namespace

void RouteTable::add(Route r) {
  if (r.path.empty() || r.path[0] != '/') throw std::logic_error("route '" + r.path + "': a path starts with '/'");
  for (const auto& existing : routes_)
    if (existing.path == r.path) throw std::logic_error("route '" + r.path + "' is declared twice");
  std::vector<std::string> names;
  for (auto seg : split_path(r.path))
    if (is_placeholder(seg)) names.emplace_back(seg.substr(1, seg.size() - 2));
  if (names.size() != r.path_params.size())
    throw std::logic_error("route '" + r.path + "': " + std::to_string(names.size()) + " {name}(s) in the path but " +
                           std::to_string(r.path_params.size()) + " path parameter(s) declared");
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] != r.path_params[i].spec.name)
      throw std::logic_error("route '" + r.path + "': path parameter " + std::to_string(i) + " is declared as '" +
                             r.path_params[i].spec.name + "'");
  if (!r.handler) throw std::logic_error("route '" + r.path + "' has no handler");
  routes_.push_back(std::move(r));
}

std::optional<RouteTable::Match> RouteTable::match(std::string_view path) const {
  if (path.empty() || path[0] != '/') return std::nullopt;
  std::optional<std::vector<std::string_view>> parts;  // split only when a template needs it
  for (const auto& r : routes_) {
    if (r.path_params.empty()) {
      if (r.path == path) return Match{&r, {}};
      continue;
    }
    if (!parts) parts = split_path(path);
    auto pattern = split_path(r.path);
    if (pattern.size() != parts->size()) continue;
    Match m{&r, {}};
    bool ok = true;
    for (std::size_t i = 0; i < pattern.size() && ok; ++i) {
      if (is_placeholder(pattern[i])) {
        ok = !(*parts)[i].empty();
        m.segments.emplace_back((*parts)[i]);
      } else {
        ok = pattern[i] == (*parts)[i];
      }
    }
    if (ok) return m;
  }
  return std::nullopt;
}

}  // namespace api
