// Node types of the skill-gap lookup subgraph: profile_lookup and gap_compute.
#include <spdlog/spdlog.h>

#include "engine/registry.hpp"
#include "nodes/gap/batches.hpp"
#include "nodes/gap/errors.hpp"
#include "nodes/gap/onet_ws_client.hpp"

namespace gap {

namespace {

// The cache a lookup node reads: the host's (dag::Resources under `cache`) or, without one,
// a cache the node opens from its own params and lends to its sibling lookups the same way.
std::shared_ptr<ProfileCache> cache_for(const dag::NodeContext& c) {
  const std::string name = c.params.str("cache");
  if (auto shared = c.resources.find<ProfileCache>(name)) return shared;
  const auto& p = c.params;
  auto repo = std::make_shared<ProfileRepository>(p.str("database"));
  CacheOptions opts;
  opts.check_interval = std::chrono::milliseconds(static_cast<long>(p.number("refresh_seconds") * 1000));
  std::shared_ptr<RemoteProfileSource> remote;
  if (p.has("onet_api_key") && !p.str("onet_api_key").empty()) {
    OnetWsOptions w;
    w.base_url = p.str("onet_api_base");
    w.api_key = p.str("onet_api_key");
    remote = std::make_shared<OnetWsClient>(w, c.log);
  }
  auto cache = std::make_shared<ProfileCache>(std::move(repo), opts, std::move(remote), c.log);
  cache->start();
  c.resources.put(name, cache);
  return cache;
}

class ProfileLookupNode final : public dag::Node {
 public:
  ProfileLookupNode(Side side, std::shared_ptr<ProfileCache> cache) : side_(side), cache_(std::move(cache)) {}

  void consume(const dag::InputRef&, const dag::BatchPtr& in, dag::Emitter& out) override {
    auto req = dag::batch_cast<GapRequest>(in);
    const std::string& code = side_ == Side::From ? req->from_code : req->to_code;
    auto profile = cache_->lookup(code, req->snapshot);
    if (!profile) throw UnknownOccupation(code);
    // An explicit source must have values for it; `auto` accepts any.
    if (!profile->has_level_ratings(req->options.domain, req->options.source)) {
      throw NoRatings(code, profile->title, std::string(to_string(req->options.domain)),
                      req->options.source ? std::string(to_string(*req->options.source)) : std::string());
    }
    auto b = std::make_shared<ProfileBatch>();
    b->side = side_;
    b->request = req;
    b->profile = std::move(profile);
    auto snap = req->snapshot ? req->snapshot : cache_->snapshot();
    if (snap) b->version = snap->version();
    out.emit(std::move(b));
  }

 private:
  Side side_;
  std::shared_ptr<ProfileCache> cache_;
};

class GapComputeNode final : public dag::Node {
 public:
  void consume(const dag::InputRef&, const dag::BatchPtr& in, dag::Emitter& out) override {
    auto tuple = dag::batch_cast<dag::TupleBatch>(in);
    std::shared_ptr<const ProfileBatch> from, to;
    for (const auto& part : tuple->parts()) {
      auto p = dag::batch_cast<ProfileBatch>(part);
      (p->side == Side::From ? from : to) = p;
    }
    if (!from || !to) throw std::runtime_error("gap_compute needs one 'from' and one 'to' profile (check the lookups' side params)");
    if (from->request != to->request) throw std::runtime_error("gap_compute received profiles of two different requests");
    auto r = std::make_shared<GapResultBatch>();
    r->request = from->request;
    r->from = from->profile;
    r->to = to->profile;
    r->result = compute_gap(*from->profile, *to->profile, from->request->options);
    r->version = to->version;
    out.emit(std::move(r));
  }
};

}  // namespace

}  // namespace gap

namespace dag {

void register_gap_nodes(Registry& r) {
  using dag::ParamSpec;
  r.add(NodeSpec("profile_lookup")
            .describe("Looks up one side of a skill-gap request in the in-memory occupation profile cache")
            // A hash lookup in an immutable snapshot. The one slow case, an O*NET Web Services
            // fetch, is done by the API before the request enters the graph.
            .runs_quick()
            .param(ParamSpec::one_of("side", {"from", "to"}).req().doc("which code of the request to look up"))
            .param(ParamSpec::str("cache").def("profiles").doc(
                "name of the host-provided profile cache (dag::Resources); without one, the node opens its own "
                "from `database` and shares it under this name"))
            .param(ParamSpec::str("database")
                       .def("${DATABASE_URL:-sqlite:data/onet.db}")
                       .doc("database URL, used only when the host provides no cache"))
            .param(ParamSpec::number("refresh_seconds").def("2").range(0.1, 3600).doc(
                "how often an own cache checks for a newer completed load run"))
            .param(ParamSpec::secret("onet_api_key").def("${ONET_API_KEY:-}").doc(
                "O*NET Web Services key; when set, occupations unknown locally are fetched (own cache only)"))
            .param(ParamSpec::str("onet_api_base")
                       .def("${ONET_API_BASE:-https://api-v2.onetcenter.org}")
                       .doc("O*NET Web Services base URL (own cache only)"))
            .input("request", "gap.request", "a skill-gap request")
            .output("profile", "gap.profile", "the occupation profile of the chosen side"),
        [](const NodeContext& c) {
          const gap::Side side = c.params.str("side") == "from" ? gap::Side::From : gap::Side::To;
          return std::make_unique<gap::ProfileLookupNode>(side, gap::cache_for(c));
        });
  r.add(NodeSpec("gap_compute")
            .describe("Computes the skill gaps between the two profiles of a request (from -> to)")
            .runs_quick()
            .input("profiles", "tuple", "the joined pair of gap.profile batches")
            .output("result", "gap.result", "the gaps, largest first"),
        [](const NodeContext&) { return std::make_unique<gap::GapComputeNode>(); });
}

}  // namespace dag
