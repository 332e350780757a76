// Generic node types that every program has: they know nothing about any data domain.
#include <deque>
#include <mutex>
#include <unordered_map>

#include "engine/registry.hpp"

namespace dag {

namespace {

// Pairs the k-th batch of every input that shares a correlation key into one TupleBatch.
class JoinNode final : public Node {
 public:
  explicit JoinNode(std::size_t inputs) : inputs_(inputs) {}
  void consume(const InputRef& in, const BatchPtr& b, Emitter& out) override {
    std::vector<BatchPtr> parts;
    {
      std::lock_guard lock(mu_);
      auto& slot = pending_[out.key()];
      if (slot.size() != inputs_) slot.resize(inputs_);
      slot[in.index].push_back(b);
      for (const auto& q : slot)
        if (q.empty()) return;
      for (auto& q : slot) {
        parts.push_back(std::move(q.front()));
        q.pop_front();
      }
      bool empty = true;
      for (const auto& q : slot) empty = empty && q.empty();
      if (empty) pending_.erase(out.key());
    }
    out.emit(std::make_shared<TupleBatch>(std::move(parts)));
  }
  void forget(std::uint64_t key) noexcept override {
    std::lock_guard lock(mu_);
    pending_.erase(key);
  }

 private:
  std::size_t inputs_;
  std::mutex mu_;
  std::unordered_map<std::uint64_t, std::vector<std::deque<BatchPtr>>> pending_;
};

// Collects `count` batches that share a correlation key, from whichever of its inputs they
// come, into one TupleBatch in arrival order: for branches that end in different nodes (a
// lookup answered locally or by a fetch) but make one result.
class GatherNode final : public Node {
 public:
  explicit GatherNode(std::size_t count) : count_(count) {}
  void consume(const InputRef&, const BatchPtr& b, Emitter& out) override {
    std::vector<BatchPtr> parts;
    {
      std::lock_guard lock(mu_);
      auto& slot = pending_[out.key()];
      slot.push_back(b);
      if (slot.size() < count_) return;
      parts = std::move(slot);
      pending_.erase(out.key());
    }
    out.emit(std::make_shared<TupleBatch>(std::move(parts)));
  }
  void forget(std::uint64_t key) noexcept override {
    std::lock_guard lock(mu_);
    pending_.erase(key);
  }

 private:
  std::size_t count_;
  std::mutex mu_;
  std::unordered_map<std::uint64_t, std::vector<BatchPtr>> pending_;
};

// Entry of a service pipeline; the Service injects requests here. In a batch run it is empty.
class RequestNode final : public Node {};

// Exit of a service pipeline; the Service hands what arrives here back to the caller.
class RespondNode final : public Node {};

class DiscardNode final : public Node {};

}  // namespace

void register_engine_nodes(Registry& r) {
  r.add(NodeSpec("join")
            .describe("Combines one batch from each input that share a correlation key into a tuple")
            .runs_quick()
            .input("parts", "any", "batches to combine, in input order", true)
            .output("tuple", "tuple", "one batch per input, in the order the inputs are listed"),
        [](const NodeContext& c) { return std::make_unique<JoinNode>(c.input_count); });
  r.add(NodeSpec("gather")
            .describe("Combines the first `count` batches that share a correlation key, from any of its inputs, into a tuple")
            .runs_quick()
            .param(ParamSpec::integer("count").req().range(1, 1000).doc("batches per key in one tuple"))
            .input("parts", "any", "batches to combine, in arrival order", true)
            .output("tuple", "tuple", "`count` batches of one key"),
        [](const NodeContext& c) { return std::make_unique<GatherNode>(static_cast<std::size_t>(c.params.integer("count"))); });
  r.add(NodeSpec("request")
            .describe("Entry point of a service pipeline: requests submitted by the host program start here")
            .runs_quick()
            .entry_point()
            .output("request", "any", "the request batch as submitted"),
        [](const NodeContext&) { return std::make_unique<RequestNode>(); });
  r.add(NodeSpec("respond")
            .describe("Exit point of a service pipeline: the batch arriving here answers the request")
            .runs_quick()
            .exit_point()
            .input("response", "any"),
        [](const NodeContext&) { return std::make_unique<RespondNode>(); });
  r.add(
      NodeSpec("discard").describe("Sink that drops what it receives (counts it in the run report)").input("in", "any", "", true),
      [](const NodeContext&) { return std::make_unique<DiscardNode>(); });
}

}  // namespace dag
