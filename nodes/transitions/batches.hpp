#pragma once
// The data kinds of the transitions batch job:
//   profile_snapshot -> gap.snapshot -> transitions_rank -> transitions.result -> transitions_write
#include <memory>
#include <vector>

#include "engine/batch.hpp"
#include "nodes/gap/profile_cache.hpp"
#include "nodes/gap/transitions.hpp"

namespace transitions {

// The whole dataset of one completed load run, with its transitions view (built once).
class SnapshotBatch final : public dag::Batch {
 public:
  gap::SnapshotPtr snapshot;
  std::string_view kind() const override { return "gap.snapshot"; }
  std::size_t rows() const override { return snapshot ? snapshot->size() : 0; }
};

// The rankings of a chunk of source occupations, by code.
class ResultBatch final : public dag::Batch {
 public:
  gap::DatasetVersion version;
  std::vector<gap::TransitionResult> results;
  std::string_view kind() const override { return "transitions.result"; }
  std::size_t rows() const override {
    std::size_t n = 0;
    for (const auto& r : results) n += r.transitions.size();
    return n;
  }
};

}  // namespace transitions
