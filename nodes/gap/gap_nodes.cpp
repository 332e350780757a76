// Node types of the skill-gap lookup subgraph: profile_lookup, profile_fetch and gap_compute.
#include <spdlog/spdlog.h>

#include "engine/registry.hpp"
#include "common/defaults.hpp"
#include "nodes/gap/batches.hpp"
#include "nodes/gap/errors.hpp"
#include "nodes/gap/onet_ws_client.hpp"

namespace gap {

namespace {

// The cache a lookup or fetch node reads: the host's (dag::Resources under `cache`) or, without
// one, a cache the node opens from its own params and lends to its siblings the same way.
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

Side side_of(const dag::NodeContext& c) { return c.params.str("side") == "from" ? Side::From : Side::To; }

const std::string& code_of(const GapRequest& r, Side side) { return side == Side::From ? r.from_code : r.to_code; }

// The profile batch of one side, once the profile is final (local or fetched): unknown
// occupations and occupations without ratings in the requested domain (under the requested
// source, when one is given; `auto` accepts any) fail the request with a typed error.
std::shared_ptr<ProfileBatch> profile_batch(Side side, const std::shared_ptr<const GapRequest>& req, ProfilePtr profile,
                                            ProfileCache& cache) {
  const std::string& code = code_of(*req, side);
  if (!profile) throw UnknownOccupation(code);
  if (!profile->has_level_ratings(req->options.domain, req->options.source)) {
    throw NoRatings(code, profile->title, std::string(to_string(req->options.domain)),
                    req->options.source ? std::string(to_string(*req->options.source)) : std::string());
  }
  auto b = std::make_shared<ProfileBatch>();
  b->side = side;
  b->request = req;
  b->profile = std::move(profile);
  auto snap = req->snapshot ? req->snapshot : cache.snapshot();
  if (snap) b->version = snap->version();
  return b;
}

// Answers from the snapshot (output `hit`), or hands the lookup to a fetch node (output
// `miss`) when the remote source should be asked: it never waits for the network itself.
class ProfileLookupNode final : public dag::Node {
 public:
  ProfileLookupNode(Side side, std::shared_ptr<ProfileCache> cache) : side_(side), cache_(std::move(cache)) {}

  void consume(const dag::InputRef&, const dag::BatchPtr& in, dag::Emitter& out) override {
    auto req = dag::batch_cast<GapRequest>(in);
    auto found = cache_->find_local(code_of(*req, side_), req->snapshot);
    if (found.fetch) {
      auto miss = std::make_shared<ProfileMiss>();
      miss->side = side_;
      miss->request = req;
      miss->local = std::move(found.profile);
      out.emit(kMiss, std::move(miss));
      return;
    }
    out.emit(kHit, profile_batch(side_, req, std::move(found.profile), *cache_));
  }

  static constexpr std::size_t kHit = 0, kMiss = 1;

 private:
  Side side_;
  std::shared_ptr<ProfileCache> cache_;
};

// The remote half of a lookup: asks O*NET Web Services (through the cache, which stores what
// comes back and shares one fetch per code), then answers like a hit.
class ProfileFetchNode final : public dag::Node {
 public:
  explicit ProfileFetchNode(std::shared_ptr<ProfileCache> cache) : cache_(std::move(cache)) {}

  void consume(const dag::InputRef&, const dag::BatchPtr& in, dag::Emitter& out) override {
    auto miss = dag::batch_cast<ProfileMiss>(in);
    auto profile = cache_->fetch(code_of(*miss->request, miss->side), miss->local);
    out.emit(profile_batch(miss->side, miss->request, std::move(profile), *cache_));
  }

 private:
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
    if (!from || !to)
      throw std::runtime_error("gap_compute needs one 'from' and one 'to' profile (check the lookups' side params)");
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

namespace {

// The cache parameters, the same on every node that may open the cache (whichever is built
// first opens it and lends it to the others under `cache`).
NodeSpec& cache_params(NodeSpec& s) {
  return s
      .param(ParamSpec::str("cache")
                 .def("profiles")
                 .doc("name of the host-provided profile cache (dag::Resources); without one, the node opens its own "
                      "from `database` and shares it under this name"))
      .param(ParamSpec::str("database")
                 .def(common::database_url_param_default())
                 .doc("database URL, used only when the host provides no cache"))
      .param(ParamSpec::number("refresh_seconds")
                 .def("2")
                 .range(0.1, 3600)
                 .doc("how often an own cache checks for a newer completed load run"))
      .param(ParamSpec::secret("onet_api_key")
                 .def("${ONET_API_KEY:-}")
                 .doc("O*NET Web Services key; when set, occupations unknown locally are fetched (own cache only)"))
      .param(ParamSpec::str("onet_api_base")
                 .def("${ONET_API_BASE:-https://api-v2.onetcenter.org}")
                 .doc("O*NET Web Services base URL (own cache only)"));
}

}  // namespace

void register_gap_nodes(Registry& r) {
  NodeSpec lookup("profile_lookup");
  lookup
      .describe("Looks up one side of a skill-gap request in the in-memory occupation profile cache")
      // A hash lookup in an immutable snapshot; what needs the network leaves on `miss`.
      .runs_quick()
      .param(ParamSpec::one_of("side", {"from", "to"}).req().doc("which code of the request to look up"));
  cache_params(lookup)
      .input("request", "gap.request", "a skill-gap request")
      .output("hit", "gap.profile", "the occupation profile of the chosen side, from the snapshot")
      .output("miss", "gap.miss", "the lookup, when O*NET Web Services must be asked (unknown locally or without ratings)");
  r.add(std::move(lookup),
        [](const NodeContext& c) { return std::make_unique<gap::ProfileLookupNode>(gap::side_of(c), gap::cache_for(c)); });

  // Not quick: it waits seconds for the network, so it runs as a task of the engine's arena,
  // with the concurrency (and queue_limit) the pipeline gives it.
  NodeSpec fetch("profile_fetch");
  fetch.describe("Fetches an occupation missing locally from O*NET Web Services, stores it, and answers the lookup");
  cache_params(fetch)
      .input("miss", "gap.miss", "lookups the snapshot could not answer", true)
      .output("profile", "gap.profile", "the occupation profile of that side");
  r.add(std::move(fetch), [](const NodeContext& c) { return std::make_unique<gap::ProfileFetchNode>(gap::cache_for(c)); });

  r.add(NodeSpec("gap_compute")
            .describe("Computes the skill gaps between the two profiles of a request (from -> to)")
            .runs_quick()
            .input("profiles", "tuple", "the two gap.profile batches of a request (paired by side)")
            .output("result", "gap.result", "the gaps, largest first"),
        [](const NodeContext&) { return std::make_unique<gap::GapComputeNode>(); });
}

}  // namespace dag
