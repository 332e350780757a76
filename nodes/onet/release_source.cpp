#include "nodes/onet/release_source.hpp"

#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <regex>
#include <stdexcept>

#include "nodes/onet/sha256.hpp"
#include "nodes/onet/table_shapes.hpp"

namespace onet {

namespace fs = std::filesystem;

std::optional<std::string> release_from_name(std::string_view name) {
  std::string s(name);
  while (!s.empty() && (s.back() == '/' || s.back() == '\\')) s.pop_back();
  if (auto q = s.find_first_of("?#"); q != std::string::npos && s.find("://") != std::string::npos) s.erase(q);
  if (auto slash = s.find_last_of("/\\"); slash != std::string::npos) s.erase(0, slash + 1);
  static const std::regex pattern(R"(db_(\d+)_(\d+)_text(\.zip)?)", std::regex::icase);
  std::smatch m;
  if (!std::regex_match(s, m, pattern)) return std::nullopt;
  return m[1].str() + "." + m[2].str();
}

namespace {

std::optional<std::string> read_file(const fs::path& p) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(p.c_str(), "rb"), &std::fclose);
  if (!f) {
    if (errno == ENOENT) return std::nullopt;
    throw std::runtime_error("cannot read " + p.string() + ": " + std::strerror(errno));
  }
  std::string out;
  std::error_code ec;
  auto size = fs::file_size(p, ec);
  if (!ec) out.reserve(size);
  char buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) out.append(buf, n);
  if (std::ferror(f.get())) throw std::runtime_error("error reading " + p.string());
  return out;
}

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }  // read-only: nothing to write back
};
struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipCloser>;

ZipPtr open_zip(const std::string& path) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
  if (!z) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, err);
    std::string why = zip_error_strerror(&ze);
    zip_error_fini(&ze);
    throw std::runtime_error("cannot open zip " + path + ": " + why);
  }
  return ZipPtr(z);
}

std::string base_name(const std::string& entry) {
  auto slash = entry.find_last_of('/');
  return slash == std::string::npos ? entry : entry.substr(slash + 1);
}

}  // namespace

FolderSource::FolderSource(fs::path dir) : dir_(std::move(dir)) {}

std::optional<std::string> FolderSource::read_table(const std::string& table) const {
  return read_file(dir_ / file_name_of(table));
}

std::string FolderSource::describe() const { return "folder " + dir_.string(); }

std::string FolderSource::checksum() const {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir_)) {
    if (e.is_regular_file() && e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  Sha256 h;
  for (const auto& p : files) {
    auto name = p.filename().string();
    h.update(name.data(), name.size() + 1);  // with its NUL terminator as separator
    auto content = read_file(p);
    if (!content) throw std::runtime_error("cannot read " + p.string() + ": vanished while hashing");
    h.update(*content);
  }
  return h.hex();
}

ZipSource::ZipSource(std::string path, std::string origin) : path_(std::move(path)), origin_(std::move(origin)) {
  auto z = open_zip(path_);
  zip_int64_t n = zip_get_num_entries(z.get(), 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* name = zip_get_name(z.get(), static_cast<zip_uint64_t>(i), 0);
    names_.emplace_back(name ? name : "");
  }
}

std::optional<std::string> ZipSource::read_table(const std::string& table) const {
  const std::string want = file_name_of(table);
  std::optional<zip_uint64_t> index;
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (base_name(names_[i]) != want) continue;
    if (index) {
      throw std::runtime_error("zip " + path_ + " has two entries named " + want + ": " + names_[*index] + " and " + names_[i]);
    }
    index = i;
  }
  if (!index) return std::nullopt;
  // One handle per call: libzip archives must not be shared between threads, and the
  // table readers run in parallel.
  auto z = open_zip(path_);
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(z.get(), *index, 0, &st) != 0) {
    throw std::runtime_error("zip " + path_ + ": cannot stat " + names_[*index] + ": " + zip_strerror(z.get()));
  }
  std::unique_ptr<zip_file_t, ZipFileCloser> f(zip_fopen_index(z.get(), *index, 0));
  if (!f) {
    throw std::runtime_error("zip " + path_ + ": cannot open " + names_[*index] + ": " + zip_strerror(z.get()));
  }
  std::string out;
  if (st.valid & ZIP_STAT_SIZE) out.reserve(st.size);
  char buf[1 << 16];
  for (;;) {
    zip_int64_t got = zip_fread(f.get(), buf, sizeof buf);
    if (got < 0) {
      throw std::runtime_error("zip " + path_ + ": cannot read " + names_[*index] + ": " + zip_file_strerror(f.get()));
    }
    if (got == 0) break;
    out.append(buf, static_cast<std::size_t>(got));
  }
  if ((st.valid & ZIP_STAT_SIZE) && out.size() != st.size) {
    throw std::runtime_error("zip " + path_ + ": " + names_[*index] + " has " + std::to_string(out.size()) +
                             " bytes, the directory says " + std::to_string(st.size));
  }
  return out;
}

std::string ZipSource::describe() const { return "zip " + path_ + (origin_.empty() ? "" : " (downloaded from " + origin_ + ")"); }

std::optional<std::string> ZipSource::top_folder() const {
  std::optional<std::string> top;
  for (const auto& n : names_) {
    auto slash = n.find('/');
    if (slash == std::string::npos) return std::nullopt;  // a file at the root
    auto dir = n.substr(0, slash);
    if (top && *top != dir) return std::nullopt;
    top = dir;
  }
  return top;
}

}  // namespace onet
