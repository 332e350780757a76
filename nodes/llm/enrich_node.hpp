#pragma once
// llm_enrich: sits between onet_validate and sql_load (see README.md). Buffers the O*NET stream,
// asks the model about every occupation, calibrates, and forwards every batch in arrival order —
// rating rows with llm_value/refined_value filled, LLM-only rows added to the Skills table, and
// an onet.llm_summary batch at the end. With provider none it forwards everything unchanged.
#include "engine/node.hpp"
#include "engine/node_spec.hpp"

namespace llm {

dag::NodeSpec enrich_spec();
std::unique_ptr<dag::Node> make_enrich(const dag::NodeContext& ctx);

}  // namespace llm
