#pragma once
// tests/security/passwords.tsv as data: the passwords with URL metacharacters ('@', ':', '/',
// '%40', '#', empty) every secret check runs with. Header-only, so the fuzz targets (which do
// not link the test support library) read the same list as the tests.
#include <cctype>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace secrets_test {

struct Password {
  std::string name;
  std::string raw;      // as written in the URL
  std::string decoded;  // what the database receives
  // Runs of 4+ letters and digits of raw and decoded: none may appear in any output.
  std::vector<std::string> pieces;
};

inline std::vector<std::string> pieces_of(const std::string& a, const std::string& b) {
  std::vector<std::string> out;
  for (const std::string* s : {&a, &b}) {
    std::string run;
    for (std::size_t i = 0; i <= s->size(); ++i) {
      if (i < s->size() && std::isalnum(static_cast<unsigned char>((*s)[i]))) {
        run += (*s)[i];
        continue;
      }
      if (run.size() >= 4) {
        bool seen = false;
        for (const auto& p : out) seen = seen || p == run;
        if (!seen) out.push_back(run);
      }
      run.clear();
    }
  }
  return out;
}

// Throws std::runtime_error when the file is missing or a line is malformed.
inline std::vector<Password> load_passwords(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::vector<Password> out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    auto t1 = line.find('\t');
    auto t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string::npos) throw std::runtime_error(path + ":" + std::to_string(n) + ": expected name<TAB>raw<TAB>decoded");
    Password p{line.substr(0, t1), line.substr(t1 + 1, t2 - t1 - 1), line.substr(t2 + 1), {}};
    p.pieces = pieces_of(p.raw, p.decoded);
    out.push_back(std::move(p));
  }
  if (out.empty()) throw std::runtime_error(path + ": no passwords");
  return out;
}

}  // namespace secrets_test
