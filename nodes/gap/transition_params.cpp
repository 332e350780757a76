#include "nodes/gap/transition_params.hpp"

namespace gap {

std::vector<dag::ParamSpec> transition_option_specs() {
  using dag::ParamSpec;
  return {
      ParamSpec::integer("limit").range(1, 100).def("10").doc("At most this many target occupations, best first (1-100)"),
      ParamSpec::one_of("domain", {"skills", "knowledge", "all"})
          .def("skills")
          .doc("What must be learned: skills (2.A, 2.B), knowledge (2.C, when loaded) or all (both; each gap tagged with its "
               "domain)"),
      ParamSpec::one_of("job_zone", {"any", "same", "up", "down", "within1"})
          .def("any")
          .doc("Targets by O*NET job zone relative to the source's: any (steps demoted the further they go), same, up, down, "
               "or within1 (at most one zone away, steps demoted); an occupation without a job zone passes only `any`"),
      ParamSpec::number("max_weighted_gap")
          .range(0, 500)
          .doc("Only targets whose importance-weighted gap (sum of gap x IM / 5, in LV points) is at most this"),
      ParamSpec::flag("exclude_group")
          .def("false")
          .doc("Leave out the source's own SOC minor group XX-X000 (same first three digits)"),
      ParamSpec::one_of("source", {"onet", "estimate", "llm", "refined"})
          .doc("Which values to compare, on both sides, as for /skill-gap. Default (auto), per side: O*NET's values where O*NET "
               "rates the occupation, else the refined blend where enrichment ran, else the text estimate. Targets without "
               "values under an explicit source are left out."),
  };
}

TransitionOptions transition_options(const dag::Params& p) {
  TransitionOptions o;
  o.limit = static_cast<std::size_t>(p.integer("limit"));
  o.domain = parse_transition_domain(p.str("domain")).value_or(TransitionDomain::Skills);
  o.job_zone = parse_job_zone_rule(p.str("job_zone")).value_or(JobZoneRule::Any);
  if (p.has("max_weighted_gap")) o.max_weighted_gap = p.number("max_weighted_gap");
  o.exclude_group = p.flag("exclude_group");
  if (p.has("source")) o.source = parse_value_source(p.str("source"));
  return o;
}

}  // namespace gap
