#include "nodes/llm/cassette.hpp"

#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace llm {

Cassette::Cassette(std::string path, Mode mode) : path_(std::move(path)) {
  if (path_.empty()) throw std::invalid_argument("no cassette path given");
  if (mode == Mode::Read) {
    std::ifstream in(path_);
    if (!in) throw std::runtime_error("cannot read the cassette " + path_ + " (record one with record: true)");
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      try {
        auto j = nlohmann::json::parse(line);
        CassetteEntry e;
        e.key = j.at("key").get<std::string>();
        e.provider = j.at("provider").get<std::string>();
        e.model = j.value("model", "");
        e.status = j.value("status", 200);
        e.body = j.at("body").get<std::string>();
        entries_[e.key] = std::move(e);
      } catch (const nlohmann::json::exception& ex) {
        throw std::runtime_error(path_ + ":" + std::to_string(n) + ": not a cassette entry: " + ex.what());
      }
    }
    return;
  }
  auto parent = std::filesystem::path(path_).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  out_.open(path_, std::ios::app);
  if (!out_) throw std::runtime_error("cannot write the cassette " + path_);
}

std::optional<CassetteEntry> Cassette::find(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void Cassette::append(const CassetteEntry& e) {
  nlohmann::json j = {{"key", e.key}, {"provider", e.provider}, {"model", e.model}, {"status", e.status}, {"body", e.body}};
  std::lock_guard lock(mu_);
  out_ << j.dump() << '\n';
  out_.flush();
  if (!out_) throw std::runtime_error("cannot write the cassette " + path_);
  entries_[e.key] = e;
}

std::size_t Cassette::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace llm
