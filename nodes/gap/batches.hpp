#pragma once
// The data kinds of the skill-gap lookup subgraph (pipelines/skill_gap.yaml):
//   gap.request -> profile_lookup (from) / profile_lookup (to) -> gap.profile (hit) or gap.miss
//   gap.miss -> profile_fetch (O*NET Web Services) -> gap.profile
//   gather -> tuple of the two gap.profile -> gap_compute -> gap.result
#include <memory>
#include <string>

#include "engine/batch.hpp"
#include "nodes/gap/profile_cache.hpp"
#include "nodes/gap/skill_gap.hpp"

namespace gap {

class GapRequest final : public dag::Batch {
 public:
  std::string from_code;  // normalized ("15-1252.00")
  std::string to_code;
  GapOptions options;
  // The snapshot both lookups read, pinned by the host when the request starts so the two
  // sides never come from different datasets. Null: each lookup takes the cache's current one.
  SnapshotPtr snapshot;
  std::string_view kind() const override { return "gap.request"; }
  std::size_t rows() const override { return 1; }
};

enum class Side { From, To };

class ProfileBatch final : public dag::Batch {
 public:
  Side side = Side::From;
  std::shared_ptr<const GapRequest> request;
  ProfilePtr profile;
  DatasetVersion version;  // of the snapshot the profile came from
  std::string_view kind() const override { return "gap.profile"; }
  std::size_t rows() const override { return 1; }
};

// A lookup the snapshot could not answer and the remote source should: the request, the side,
// and what the snapshot has for the code (null, or a profile without ratings).
class ProfileMiss final : public dag::Batch {
 public:
  Side side = Side::From;
  std::shared_ptr<const GapRequest> request;
  ProfilePtr local;
  std::string_view kind() const override { return "gap.miss"; }
  std::size_t rows() const override { return 1; }
};

class GapResultBatch final : public dag::Batch {
 public:
  std::shared_ptr<const GapRequest> request;
  ProfilePtr from, to;
  GapResult result;
  DatasetVersion version;
  std::string_view kind() const override { return "gap.result"; }
  std::size_t rows() const override { return result.gaps.size(); }
};

}  // namespace gap
