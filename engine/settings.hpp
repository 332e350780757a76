#pragma once
// Pipeline-wide settings shared by node groups: declared here once, registered by each group
// that reads them (Registry::add_setting), so validation, `dagrun nodes` and the nodes agree.
#include "engine/params.hpp"

namespace dag {

// What a node does with an input it cannot use (a bad row, a failed call): the run fails, or the
// item is dropped and reported. A node's own `on_error` parameter takes precedence.
inline ParamSpec on_error_setting() {
  return ParamSpec::one_of("on_error", {"fail", "skip"})
      .def("fail")
      .doc("fail: the run fails on bad input (listing it); skip: bad items are dropped, reported and counted. "
           "Read by the nodes with an on_error parameter when they do not set it.");
}

}  // namespace dag
