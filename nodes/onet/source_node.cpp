// onet_source: resolves the release location once and emits one ReleaseBatch.
#include <spdlog/logger.h>

#include "nodes/onet/onet_nodes.hpp"
#include "nodes/onet/resolve_release.hpp"

namespace onet {

namespace {

class SourceNode final : public dag::Node {
 public:
  explicit SourceNode(const dag::NodeContext& ctx) : log_(ctx.log) {
    opts_.location = ctx.params.str("location");
    opts_.cache_dir = ctx.params.str("cache_dir");
    opts_.release = ctx.params.str_or("release", "");
    opts_.sha256 = ctx.params.str_or("sha256", "");
    opts_.timeout_s = static_cast<long>(ctx.params.integer("timeout_s"));
    opts_.node_id = ctx.id;
    if (log_) opts_.log = [log = log_](const std::string& m) { log->info("{}", m); };
  }

  bool produce(dag::Emitter& out) override {
    auto batch = resolve_release(opts_);
    if (log_) {
      log_->info("O*NET release {} from {} (sha256 {})", batch->release, batch->source->describe(), batch->checksum);
    }
    out.emit(std::move(batch));
    return false;
  }

 private:
  std::shared_ptr<spdlog::logger> log_;
  SourceOptions opts_;
};

}  // namespace

dag::NodeSpec source_spec() {
  using dag::ParamSpec;
  return dag::NodeSpec("onet_source")
      .describe(
          "Locates one O*NET text release and emits it as a single onet.release batch (release label, "
          "location, sha256 checksum, and a reader for its table files). The location may be an unzipped "
          "db_XX_X_text folder, a release .zip, or an http(s) URL; a URL is downloaded once into cache_dir "
          "(<name> plus <name>.sha256, verified on every reuse; a cut or mismatching download leaves "
          "nothing behind).")
      .param(ParamSpec::str("location")
                 .def("${ONET_SOURCE:-https://www.onetcenter.org/dl_files/database/db_29_2_text.zip}")
                 .doc("Folder, .zip or http(s) URL of the release. Defaults to env ONET_SOURCE, else the "
                      "official O*NET 29.2 zip."))
      .param(ParamSpec::path("cache_dir").def("data/cache").doc("Where downloaded release zips are kept."))
      .param(ParamSpec::str("release").doc(
          "Release label such as \"29.2\". Default: derived from a db_29_2_text style name of the folder, "
          "zip, URL or the zip's top folder; required when no such name exists."))
      .param(ParamSpec::str("sha256").doc(
          "Expected SHA-256 (hex) of the zip, or for a folder of its *.txt files (name, NUL, content, in "
          "name order). A mismatch fails the run."))
      .param(ParamSpec::integer("timeout_s").def("600").range(1, 86400).doc("Download timeout in seconds."))
      .output("release", "onet.release", "One ReleaseBatch.");
}

std::unique_ptr<dag::Node> make_source(const dag::NodeContext& ctx) { return std::make_unique<SourceNode>(ctx); }

}  // namespace onet
