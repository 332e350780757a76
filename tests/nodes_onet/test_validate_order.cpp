// onet_validate's hold-back queue driven by hand in adversarial arrival orders: whatever order
// the readers' chunks reach it, every table is forwarded in its own file order, after the tables
// it points into, and each exactly once. (The engine's scheduling produced one such order under
// load: ETE's first chunk held back, ETE Categories then ETE's last chunk behind it; releasing
// them in one pass forwarded ETE's last chunk first and failed the run with "arrived again".)
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "engine/node.hpp"
#include "nodes/onet/batches.hpp"
#include "nodes/onet/table_parser.hpp"
#include "nodes/onet/table_shapes.hpp"
#include "onet_test_util.hpp"

using namespace onet;

namespace {

struct Recorder final : dag::Emitter {
  std::vector<std::shared_ptr<const TableBatch>> tables;
  void emit(std::size_t, dag::BatchPtr b) override {
    if (auto t = std::dynamic_pointer_cast<const TableBatch>(b)) tables.push_back(std::move(t));
  }
  std::uint64_t key() const override { return 0; }
  bool cancelled() const override { return false; }
};

// The fixture's table in chunks of `rows` rows (the last one flagged), as onet_table sends it.
std::vector<std::shared_ptr<const TableBatch>> chunks(const std::string& table, std::size_t rows) {
  TableParser p(testing_support::read_file(onettest::fixture_dir() / file_name_of(table)), table, *shape_of(table));
  std::vector<std::shared_ptr<const TableBatch>> out;
  while (auto c = p.next(rows)) out.push_back(std::move(c));
  return out;
}

std::unique_ptr<dag::Node> make_validate(dag::Registry& reg, dag::Params& params, dag::Settings& settings,
                                         dag::Resources& resources) {
  params.set("rejects_path", std::string("unused-with-on_error-fail.tsv"));
  params.set("max_listed", std::int64_t{20});
  dag::NodeContext ctx{"validate", "onet_validate", params, settings, resources, nullptr, dag::SourcePos{"driven.yaml", 1, 1}, 1};
  return reg.find("onet_validate")->factory(ctx);
}

}  // namespace

TEST_CASE("validate: held-back chunks leave in file order, whatever order they arrived in", "[onet][validate]") {
  using Chunks = std::vector<std::shared_ptr<const TableBatch>>;
  const Chunks ete = chunks("Education, Training, and Experience", 8);
  const Chunks categories = chunks("Education, Training, and Experience Categories", 100);
  REQUIRE(ete.size() >= 3);
  REQUIRE(categories.size() == 1);

  // ETE waits for ETE Categories, which waits for Content Model Reference and Scales Reference;
  // ETE also waits for Occupation Data. The orders put ETE's chunks on both sides of Categories.
  const std::vector<std::pair<std::string, Chunks>> orders = {
      {"first ETE chunk, Categories, the rest of ETE",
       [&] {
         Chunks o{ete[0], categories[0]};
         o.insert(o.end(), ete.begin() + 1, ete.end());
         return o;
       }()},
      {"ETE's last chunk alone after Categories",
       [&] {
         Chunks o(ete.begin(), ete.end() - 1);
         o.push_back(categories[0]);
         o.push_back(ete.back());
         return o;
       }()},
      {"Categories first",
       [&] {
         Chunks o{categories[0]};
         o.insert(o.end(), ete.begin(), ete.end());
         return o;
       }()},
  };
  const Chunks references = [] {
    Chunks r;
    for (auto t : {"Occupation Data", "Content Model Reference", "Scales Reference"})
      for (auto& c : chunks(t, 100)) r.push_back(c);
    return r;
  }();

  for (const auto& [name, held] : orders) {
    for (bool refs_first : {false, true}) {
      DYNAMIC_SECTION(name << (refs_first ? ", references already complete" : ", references last")) {
        auto reg = onettest::registry();
        dag::Params params;
        dag::Settings settings;
        dag::Resources resources;
        auto node = make_validate(reg, params, settings, resources);
        Recorder out;
        Chunks sent = refs_first ? references : Chunks{};
        sent.insert(sent.end(), held.begin(), held.end());
        if (!refs_first) sent.insert(sent.end(), references.begin(), references.end());
        for (const auto& c : sent) REQUIRE_NOTHROW(node->consume({0, 0}, c, out));
        REQUIRE_NOTHROW(node->finish(out));

        std::vector<const TableBatch*> ete_out;
        std::map<std::string, std::size_t> first_at, last_at;
        for (std::size_t i = 0; i < out.tables.size(); ++i) {
          const auto& t = *out.tables[i];
          first_at.try_emplace(t.table, i);
          if (t.last) last_at[t.table] = i;
          if (t.table == "Education, Training, and Experience") ete_out.push_back(&t);
        }
        REQUIRE(ete_out.size() == ete.size());
        for (std::size_t i = 0; i < ete.size(); ++i) CHECK(ete_out[i] == ete[i].get());  // same chunks, file order
        CHECK(last_at.at("Education, Training, and Experience Categories") < first_at.at("Education, Training, and Experience"));
        CHECK(last_at.at("Occupation Data") < first_at.at("Education, Training, and Experience"));
        CHECK(out.tables.size() == sent.size());
      }
    }
  }
}
