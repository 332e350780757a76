#pragma once
// The options of a transitions ranking, declared once as dag::ParamSpec: GET /transitions takes
// them as query parameters (api/routes.cpp) and the transitions_rank node as node parameters,
// so validation, messages, OpenAPI and `dagrun nodes` help all say the same.
#include <vector>

#include "engine/params.hpp"
#include "nodes/gap/transitions.hpp"

namespace gap {

// limit, domain, job_zone, max_weighted_gap, exclude_group, source (in that order).
std::vector<dag::ParamSpec> transition_option_specs();

// The options from values checked against those specs (defaults filled in).
TransitionOptions transition_options(const dag::Params& p);

}  // namespace gap
