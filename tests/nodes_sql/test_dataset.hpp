#pragma once
// Hand-made O*NET batches and the node types that feed them to sql_load in tests, so the load
// is tested through the real engine without the extract nodes.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/registry.hpp"
#include "nodes/onet/batches.hpp"

namespace sqltest {

// Variants:
//   v1     4 occupations (15-1252.00 without ratings), 7 elements, 2 scales, 12 skill +
//          6 knowledge ratings; 15-1251.00 Programming IM 4.75, LV 4.88
//   v2     v1 without 29-1141.00 and with 15-1251.00 Programming IM 4.50
//   v3     v1 plus a Skills row for 15-1252.00 Programming IM (3.00)
//   llm    v1 with LLM and refined values on 15-1251.00's skills, plus an LLM-only row
//          (value_source "llm") for 15-1252.00 Programming LV
//   large  300 occupations x 35 skills x {IM, LV} = 21,000 ratings
//   orphan v1 plus a Skills row for an occupation that is not in Occupation Data
//   desc   v1 plus every descriptive table (tasks, titles, job zones, anchors, technologies,
//          education; 2 more elements and the RL scale), sent before the tables they point into
//   desc_orphan  desc plus a Job Zones row for an occupation that is not in Occupation Data
//   empty  only the release batch, no table
// Batches: the release first, then Occupation Data, Content Model Reference, Scales Reference,
// Skills, Knowledge (ratings first when ratings_first), tables cut into chunk_rows chunks.
std::vector<dag::BatchPtr> make_dataset(const std::string& variant, std::size_t chunk_rows, bool ratings_first = false);

struct Expected {
  long long occupations, elements, scales, ratings;
};
Expected expected_counts(const std::string& variant);

// Test-only hooks, shared with the node factories by pointer (no globals).
struct TestHooks {
  // Called by test_onet_source before it emits batch number `index` (0-based).
  std::function<void(std::size_t index)> before_emit;
};

// Adds:
//   test_onet_source  params variant, chunk_rows, delay_ms (before each rating batch),
//                     ratings_first, fail_after (throw before emitting batch N; -1 = never)
//   test_failing_source  params delay_ms: sleeps, then fails (a failure elsewhere in a graph)
void register_test_nodes(dag::Registry& r, std::shared_ptr<TestHooks> hooks = nullptr);

// A registry with the engine's nodes, sql_load and the test nodes above.
std::unique_ptr<dag::Registry> make_registry(std::shared_ptr<TestHooks> hooks = nullptr);

}  // namespace sqltest
