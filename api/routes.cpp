// The route table of skillgap-api: every path it answers, with its parameters, error shape,
// handler and lane. Dispatch, validation messages, OpenAPI parameters, metrics labels and the
// 404/405 answers come from here (see api/route.hpp; adding a route: api/README.md).
#include "api/routes.hpp"

#include "api/handlers.hpp"
#include "api/query_params.hpp"
#include "nodes/gap/transition_params.hpp"

namespace api {

namespace {

using dag::ParamSpec;

RouteTable build() {
  RouteTable t;
  const ValueFormat& code = occupation_code_format();
  t.add(
      Route("/skill-gap")
          .param(RouteParam(ParamSpec::str("from").req().doc("Source O*NET-SOC code: NN-NNNN.NN, or NN-NNNN meaning NN-NNNN.00"))
                     .shaped(code))
          .param(RouteParam(ParamSpec::str("to").req().doc("Target O*NET-SOC code (same forms)")).shaped(code))
          .param(ParamSpec::number("min_gap").range(0, 7).def("0").doc("Only gaps at least this large (0-7)"))
          .param(ParamSpec::number("min_importance")
                     .range(0, 5)
                     .doc("Only skills whose Importance (IM) for the target is at least this (0-5); skills without an IM "
                          "rating are then left out"))
          .param(
              ParamSpec::flag("include_not_relevant").def("false").doc("Also require the target's LV rows flagged Not Relevant"))
          .param(ParamSpec::one_of("source", {"onet", "estimate", "llm", "refined"})
                     .doc("Which values to compare, on both sides: O*NET's own, the text estimates (leave-one-out for a "
                          "rated occupation), the LLM estimates, or the refined blend. Default (auto), per side: O*NET's "
                          "values where O*NET rates the occupation, else the refined blend where enrichment ran, else the "
                          "text estimate."))
          .param(ParamSpec::flag("significant_only")
                     .def("false")
                     .doc("Only gaps larger than the two values' own uncertainty explains (significant = true)"))
          .param(ParamSpec::one_of("domain", {"skills", "knowledge", "all"})
                     .def("skills")
                     .doc("skills (2.A, 2.B), knowledge (2.C, when loaded), or all: both (and abilities, 1.A, when "
                          "loaded), each gap tagged with its domain"))
          .error_shape(ErrorShape::SkillGap)
          .handle(handlers::skill_gap));  // the subgraph moves O*NET Web Services calls off this thread
  {
    // The ranking's options are declared once, with the transitions_rank node (nodes/gap/transition_params.hpp).
    Route r("/transitions");
    r.param(RouteParam(ParamSpec::str("from").req().doc("Source O*NET-SOC code: NN-NNNN.NN, or NN-NNNN meaning NN-NNNN.00"))
                .shaped(code));
    for (auto& spec : gap::transition_option_specs()) r.param(std::move(spec));
    r.error_shape(ErrorShape::Transitions);
    r.handle(handlers::transitions);
    t.add(std::move(r));
  }
  t.add(Route("/occupations")
            .param(RouteParam(ParamSpec::str("q").doc("A title, alternate, short or reported title (or words of one), or the "
                                                      "start of a code; empty or absent lists all"))
                       .at_most(100))
            .param(ParamSpec::integer("limit").range(1, 100).def("20").doc("At most this many occupations"))
            .handle(handlers::search_occupations));
  t.add(
      Route("/occupations/{code}")
          .param_in_path(RouteParam(ParamSpec::str("code").req().doc("O*NET-SOC code: NN-NNNN.NN, or NN-NNNN meaning NN-NNNN.00"))
                             .shaped(code))
          .handle(handlers::occupation)
          .off_thread_when(handlers::occupation_needs_remote));
  t.add(Route("/healthz").handle(handlers::healthz));
  t.add(Route("/readyz").handle(handlers::readyz));
  t.add(Route("/metrics").handle(handlers::metrics));
  t.add(Route("/openapi.json").handle(handlers::openapi));
  // The web page: labelled in metrics by the asset's path, not in openapi.json (not JSON).
  for (const auto& asset : web_assets()) {
    t.add(Route(std::string(asset.path))
              .any_query_string()
              .undocumented()
              .handle([&asset](ApiContext&, const Call&, const Reply& reply) { handlers::web_asset(asset, reply); }));
  }
  return t;
}

}  // namespace

const RouteTable& api_routes() {
  static const RouteTable table = build();
  return table;
}

}  // namespace api
