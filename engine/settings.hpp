#pragma once
// Pipeline-wide settings shared by node groups: declared here once, registered by each group
// that reads them (Registry::add_setting), so validation, `dagrun nodes` and the nodes agree.
#include <stdexcept>
#include <string>

#include "engine/node.hpp"
#include "engine/params.hpp"

namespace dag {

// What a node does with an input it cannot use (a bad row, a failed call): the run fails, or the
// item is dropped and reported. A node's own `on_error` parameter takes precedence.
inline ParamSpec on_error_setting() {
  return ParamSpec::one_of("on_error", {"fail", "skip"})
      .def("fail")
      .doc(
          "fail: the run fails on bad input (listing it); skip: bad items are dropped, reported and counted. "
          "Read by the nodes with an on_error parameter when they do not set it.");
}

// The on_error a node follows: its own `on_error` parameter, else the pipeline's setting, else
// fail. True for skip. The resolver has checked both values; a hand-built context is checked here.
inline bool skips_bad_input(const NodeContext& ctx) {
  const bool own = ctx.params.has("on_error");
  const std::string value = own ? ctx.params.str("on_error") : ctx.settings.get("on_error", "fail");
  if (value != "fail" && value != "skip")
    throw std::invalid_argument(std::string(own ? "param on_error" : "settings.on_error") + ": '" + value +
                                "' is not fail or skip");
  return value == "skip";
}

}  // namespace dag
