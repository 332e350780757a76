#pragma once
// text_estimate: per occupation, the k most similar rated occupations by text, and estimates of
// every rated element x scale (kernel_ridge.hpp, or the neighbours' mean of estimator.hpp),
// validated leave-one-out.
#include <memory>

#include "engine/node.hpp"
#include "engine/node_spec.hpp"

namespace estimate {

dag::NodeSpec estimate_spec();
std::unique_ptr<dag::Node> make_estimate(const dag::NodeContext& ctx);

}  // namespace estimate

namespace dag {
class Registry;
void register_estimate_nodes(Registry& r);
}  // namespace dag
