#pragma once
// Specs and factories of the O*NET node types; register_onet_nodes() adds them to a registry.
#include <memory>
#include <string>

#include "engine/node.hpp"
#include "engine/node_spec.hpp"
#include "engine/registry.hpp"

namespace onet {

dag::NodeSpec source_spec();  // onet_source
std::unique_ptr<dag::Node> make_source(const dag::NodeContext& ctx);

dag::NodeSpec table_spec();  // onet_table
std::unique_ptr<dag::Node> make_table(const dag::NodeContext& ctx);

dag::NodeSpec validate_spec();  // onet_validate
std::unique_ptr<dag::Node> make_validate(const dag::NodeContext& ctx);

enum class OnError { Fail, Skip };
// The node's `on_error` param if given, else the pipeline's settings.on_error, else fail.
// Throws std::invalid_argument naming the source of a value other than fail/skip.
OnError on_error_policy(const dag::NodeContext& ctx);

}  // namespace onet

namespace dag {
void register_onet_nodes(Registry& r);
}
