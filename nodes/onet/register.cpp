#include "nodes/onet/onet_nodes.hpp"

#include "engine/settings.hpp"

#include <stdexcept>

namespace onet {

OnError on_error_policy(const dag::NodeContext& ctx) { return dag::skips_bad_input(ctx) ? OnError::Skip : OnError::Fail; }

}  // namespace onet

namespace dag {

void register_onet_nodes(Registry& r) {
  r.add_setting(dag::on_error_setting());
  r.add(onet::source_spec(), &onet::make_source);
  r.add(onet::table_spec(), &onet::make_table);
  r.add(onet::validate_spec(), &onet::make_validate);
}

}  // namespace dag
