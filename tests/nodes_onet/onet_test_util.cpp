#include "onet_test_util.hpp"

#include <zip.h>

#include <algorithm>
#include <stdexcept>

#include "engine/pipeline.hpp"
#include "nodes/onet/onet_nodes.hpp"

namespace onettest {

using testing_support::read_file;
using testing_support::write_file;

fs::path fixture_dir() { return fs::path(testing_support::repo_path("tests/fixtures/onet_mini")); }

fs::path copy_fixture(const fs::path& dir, const std::string& name) {
  fs::path out = dir / name;
  fs::create_directories(out);
  for (const auto& e : fs::directory_iterator(fixture_dir())) {
    if (e.path().extension() == ".txt") fs::copy_file(e.path(), out / e.path().filename());
  }
  return out;
}

void replace_line(const fs::path& file, int line, const std::string& content) {
  std::string text = read_file(file), out;
  std::size_t pos = 0;
  for (int n = 1; pos < text.size(); ++n) {
    auto nl = text.find('\n', pos);
    std::size_t end = nl == std::string::npos ? text.size() : nl + 1;
    std::string cur = text.substr(pos, end - pos);
    if (n == line) {
      std::string ending = cur.size() >= 2 && cur.compare(cur.size() - 2, 2, "\r\n") == 0 ? "\r\n"
                           : !cur.empty() && cur.back() == '\n'                           ? "\n"
                                                                                          : "";
      cur = content + ending;
    }
    out += cur;
    pos = end;
  }
  write_file(file, out);
}

void append_line(const fs::path& file, const std::string& content) { write_file(file, read_file(file) + content + "\r\n"); }

void make_zip(const fs::path& folder, const fs::path& zip_path, const std::string& prefix, const std::set<std::string>& exclude) {
  int err = 0;
  zip_t* z = zip_open(zip_path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!z) throw std::runtime_error("zip_open " + zip_path.string() + " failed: " + std::to_string(err));
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(folder)) {
    if (e.path().extension() == ".txt" && !exclude.count(e.path().filename().string())) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (!prefix.empty()) zip_dir_add(z, prefix.substr(0, prefix.size() - 1).c_str(), ZIP_FL_ENC_UTF_8);
  for (const auto& f : files) {
    zip_source_t* src = zip_source_file(z, f.c_str(), 0, -1);
    if (!src || zip_file_add(z, (prefix + f.filename().string()).c_str(), src, ZIP_FL_ENC_UTF_8) < 0) {
      if (src) zip_source_free(src);
      std::string why = zip_strerror(z);
      zip_discard(z);
      throw std::runtime_error("zip add " + f.string() + ": " + why);
    }
  }
  if (zip_close(z) != 0) {
    std::string why = zip_strerror(z);
    zip_discard(z);
    throw std::runtime_error("zip_close " + zip_path.string() + ": " + why);
  }
}

namespace {

class CollectNode final : public dag::Node {
 public:
  explicit CollectNode(std::shared_ptr<Collected> c) : c_(std::move(c)) {}
  void consume(const dag::InputRef&, const dag::BatchPtr& b, dag::Emitter&) override {
    std::lock_guard lock(c_->mu);
    c_->batches.push_back(b);
  }
  void commit() override {
    std::lock_guard lock(c_->mu);
    ++c_->commits;
  }
  void abort() noexcept override {
    std::lock_guard lock(c_->mu);
    ++c_->aborts;
  }

 private:
  std::shared_ptr<Collected> c_;
};

}  // namespace

dag::Registry registry() {
  dag::Registry r;
  dag::register_engine_nodes(r);
  dag::register_onet_nodes(r);
  r.add(dag::NodeSpec("t_collect").describe("test sink recording what it receives").input("in", "onet", "", true),
        [](const dag::NodeContext& ctx) -> std::unique_ptr<dag::Node> {
          auto c = ctx.resources.find<Collected>("collected");
          if (!c) throw std::runtime_error("resource 'collected' missing");
          return std::make_unique<CollectNode>(c);
        });
  return r;
}

Run run_yaml(const std::string& yaml, const std::vector<std::string>& overrides) {
  auto reg = registry();
  dag::LoadOptions opts;
  opts.overrides = overrides;
  auto p = dag::resolve_pipeline(dag::parse_pipeline_doc(yaml, "test.yaml", opts), reg, opts);
  Run run;
  dag::Resources res;
  res.put("collected", run.collected);
  run.report = dag::run_pipeline(p, reg, res);
  return run;
}

const dag::NodeStats& stats(const dag::RunReport& r, const std::string& id) {
  for (const auto& n : r.nodes) {
    if (n.id == id) return n;
  }
  throw std::runtime_error("no node " + id + " in the report");
}

}  // namespace onettest
