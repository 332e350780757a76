#include "nodes/onet/rejects_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace onet {

namespace fs = std::filesystem;

namespace {

// A field must not break the TSV: tabs and line breaks become spaces.
std::string cell(std::string s) {
  for (auto& c : s) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

}  // namespace

void write_rejects_file(const std::string& path, const std::vector<RowProblem>& rejects) {
  fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec) throw std::runtime_error("cannot create folder for rejects file " + path + ": " + ec.message());
  }
  std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot write rejects file " + tmp + ": " + std::strerror(errno));
  std::string text = "file\tline\treason\tkey\n";
  for (const auto& r : rejects) {
    text += cell(r.file) + '\t' + std::to_string(r.line) + '\t' + cell(r.reason) + '\t' + cell(r.key) + '\n';
  }
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = std::fclose(f) == 0 && ok;
  if (ok) {
    fs::rename(tmp, target, ec);
    ok = !ec;
  }
  if (!ok) {
    fs::remove(tmp, ec);
    throw std::runtime_error("cannot write rejects file " + path);
  }
}

}  // namespace onet
