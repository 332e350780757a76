#include "engine/registry.hpp"
#include "nodes/transitions/nodes.hpp"

namespace dag {

void register_transitions_nodes(Registry& r) {
  r.add(transitions::snapshot_spec(), transitions::make_snapshot);
  r.add(transitions::rank_spec(), transitions::make_rank);
  r.add(transitions::write_spec(), transitions::make_write);
}

}  // namespace dag
