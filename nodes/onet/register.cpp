#include "nodes/onet/onet_nodes.hpp"

#include "engine/settings.hpp"

#include <stdexcept>

namespace onet {

OnError on_error_policy(const dag::NodeContext& ctx) {
  std::string value = ctx.params.has("on_error") ? ctx.params.str("on_error") : ctx.settings.get("on_error", "fail");
  if (value == "fail") return OnError::Fail;
  if (value == "skip") return OnError::Skip;
  throw std::invalid_argument(std::string(ctx.params.has("on_error") ? "param on_error" : "settings.on_error") +
                              ": '" + value + "' is not fail or skip");
}

}  // namespace onet

namespace dag {

void register_onet_nodes(Registry& r) {
  r.add_setting(dag::on_error_setting());
  r.add(onet::source_spec(), &onet::make_source);
  r.add(onet::table_spec(), &onet::make_table);
  r.add(onet::validate_spec(), &onet::make_validate);
}

}  // namespace dag
