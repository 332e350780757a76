#pragma once
// What a node type declares about itself, once: parameters, input and output ports.
// Validation, `dagrun nodes` help and error messages are all derived from this.
#include <string>
#include <vector>

#include "params.hpp"

namespace dag {

struct PortSpec {
  std::string name;
  // Data kind carried. "any" matches everything; otherwise an upstream kind matches when it is
  // equal or a sub-kind ("onet.ratings" is accepted where "onet" is expected, not the reverse).
  std::string kind;
  std::string description;
  bool variadic = false;  // inputs only, last port only: accepts one or more upstreams
};

bool kind_accepts(const std::string& expected, const std::string& actual);

// What a node is to a request pipeline (dag::Service): the entry where submitted requests
// start, the exit whose arriving batch answers them, or an ordinary step. Batch runs treat
// every node alike.
enum class NodeRole { Step, Entry, Exit };

struct NodeSpec {
  std::string type;
  std::string summary;
  std::vector<ParamSpec> params;
  std::vector<PortSpec> inputs;   // empty => source
  std::vector<PortSpec> outputs;  // empty => sink
  // consume() never blocks and takes microseconds. In request (service) mode the engine then
  // runs it on the thread that delivers its input (oneTBB's lightweight policy): a request
  // whose nodes are all quick runs start to finish on the submitting thread, with no task
  // hand-offs between threads. Batch runs ignore it.
  bool quick = false;
  NodeRole role = NodeRole::Step;

  bool is_source() const { return inputs.empty(); }
  bool is_sink() const { return outputs.empty(); }
  const ParamSpec* find_param(const std::string& name) const;
  int output_index(const std::string& name) const;  // -1 when absent

  // Fluent construction.
  explicit NodeSpec(std::string t = {}) : type(std::move(t)) {}
  NodeSpec& describe(std::string s) {
    summary = std::move(s);
    return *this;
  }
  NodeSpec& runs_quick() {
    quick = true;
    return *this;
  }
  NodeSpec& entry_point() {
    role = NodeRole::Entry;
    return *this;
  }  // no inputs, one output
  NodeSpec& exit_point() {
    role = NodeRole::Exit;
    return *this;
  }  // inputs, no outputs
  NodeSpec& param(ParamSpec p) {
    params.push_back(std::move(p));
    return *this;
  }
  NodeSpec& input(std::string name, std::string kind, std::string doc = {}, bool variadic = false) {
    inputs.push_back({std::move(name), std::move(kind), std::move(doc), variadic});
    return *this;
  }
  NodeSpec& output(std::string name, std::string kind, std::string doc = {}) {
    outputs.push_back({std::move(name), std::move(kind), std::move(doc), false});
    return *this;
  }
};

}  // namespace dag
