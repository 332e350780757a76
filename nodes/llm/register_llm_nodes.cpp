// The node types of this folder, added to a program's registry (see cmake/NodeGroups.cmake).
#include "engine/settings.hpp"
#include "engine/registry.hpp"
#include "nodes/llm/enrich_node.hpp"

namespace dag {

void register_llm_nodes(Registry& r) {
  r.add_setting(dag::on_error_setting());
  r.add(llm::enrich_spec(), llm::make_enrich);
}

}  // namespace dag
