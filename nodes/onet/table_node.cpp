// onet_table: reads one table of each release it receives and emits it in chunks.
#include <spdlog/logger.h>

#include <atomic>

#include "common/memory.hpp"
#include "nodes/onet/onet_nodes.hpp"
#include "nodes/onet/table_parser.hpp"
#include "nodes/onet/table_shapes.hpp"

namespace onet {

namespace {

class TableNode final : public dag::Node {
 public:
  explicit TableNode(const dag::NodeContext& ctx)
      : log_(ctx.log),
        table_(ctx.params.str("table")),
        chunk_rows_(static_cast<std::size_t>(ctx.params.integer("chunk_rows"))),
        required_(ctx.params.flag("required")),
        policy_(on_error_policy(ctx) == OnError::Skip ? OnBadRow::Collect : OnBadRow::Fail) {
    auto s = shape_of(table_);
    if (!s) throw std::invalid_argument("param table: unknown O*NET table '" + table_ + "'");
    shape_ = *s;
  }

  void consume(const dag::InputRef&, const dag::BatchPtr& in, dag::Emitter& out) override {
    auto release = dag::batch_cast<ReleaseBatch>(in);
    auto content = release->source->read_table(table_);
    if (!content) {
      if (required_) {
        throw std::runtime_error("table '" + table_ + "' not found: no " + file_name_of(table_) + " in " +
                                 release->source->describe());
      }
      if (log_) log_->info("optional table '{}' is not in {}; skipped", table_, release->source->describe());
      return;
    }
    {
      TableParser parser(std::move(*content), table_, shape_, policy_);
      while (auto batch = parser.next(chunk_rows_)) {
        batch->release = release;
        out.emit(std::move(batch));
        if (out.cancelled()) return;
      }
      rejected_ += static_cast<std::int64_t>(parser.rows_rejected());
    }  // the parser and the file's content are gone here
    content.reset();
    // Parsed on whichever TBB thread ran this node: over 15 tables read in parallel, the freed
    // contents (up to 5.5 MB each) held ~40 MB of the full load's peak RSS in those threads' arenas.
    common::release_freed_memory();
  }

  std::map<std::string, std::int64_t> counters() const override { return {{"unparsable_rows", rejected_.load()}}; }

 private:
  std::shared_ptr<spdlog::logger> log_;
  std::string table_;
  Shape shape_ = Shape::Rating;
  std::size_t chunk_rows_;
  bool required_;
  OnBadRow policy_;
  std::atomic<std::int64_t> rejected_{0};
};

}  // namespace

dag::NodeSpec table_spec() {
  using dag::ParamSpec;
  return dag::NodeSpec("onet_table")
      .describe(
          "Reads one tab-separated table (e.g. Skills.txt) of each onet.release it receives and emits its rows "
          "as typed onet.table chunks, the final one marked last. The header must equal O*NET's columns "
          "exactly (a renamed, reordered, missing or extra column is an error naming it, at file:1). "
          "Accepts CRLF or LF (not both in one file), a UTF-8 BOM and n/a as NULL. A short last line "
          "without line ending, mixed line endings, an empty file or a missing required table always fail; "
          "rows with a wrong field count or a non-numeric value fail the run, or with on_error=skip are "
          "attached to the chunk as rejects for onet_validate to write out.")
      .param(ParamSpec::one_of("table", known_tables()).req().doc("O*NET table name, without .txt."))
      .param(ParamSpec::integer("chunk_rows").def("8192").range(1, 10000000).doc("Rows per emitted chunk."))
      .param(ParamSpec::flag("required")
                 .def("true")
                 .doc("A missing table is an error; false: emit nothing (for tables such as Abilities that a release "
                      "copy may lack)."))
      .param(ParamSpec::one_of("on_error", {"fail", "skip"})
                 .doc("Unparsable rows: fail the run, or skip them into the rejects. Default: settings.on_error, "
                      "else fail."))
      .input("release", "onet.release", "Release to read the table from.")
      .output("rows", "onet.table", "TableBatch chunks of at most chunk_rows rows; last = true on the final one.");
}

std::unique_ptr<dag::Node> make_table(const dag::NodeContext& ctx) { return std::make_unique<TableNode>(ctx); }

}  // namespace onet
