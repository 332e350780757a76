#pragma once
// The node types of the transitions batch job (README.md): specs and factories.
#include <memory>

#include "engine/node.hpp"
#include "engine/node_spec.hpp"

namespace transitions {

dag::NodeSpec snapshot_spec();
std::unique_ptr<dag::Node> make_snapshot(const dag::NodeContext& ctx);

dag::NodeSpec rank_spec();
std::unique_ptr<dag::Node> make_rank(const dag::NodeContext& ctx);

dag::NodeSpec write_spec();
std::unique_ptr<dag::Node> make_write(const dag::NodeContext& ctx);

}  // namespace transitions
