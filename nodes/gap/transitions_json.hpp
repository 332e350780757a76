#pragma once
// A transitions answer as text, written once for both of its readers: the `result` object of
// GET /transitions and one line of the batch pipeline's JSONL are the same JSON (written
// directly, not through a DOM: it is the API's hot path), and the TSV has one row per target.
#include <string>

#include "nodes/gap/profile_repository.hpp"
#include "nodes/gap/transitions.hpp"

namespace gap {

// The JSON object (no trailing newline). Field by field in api/README.md (/transitions).
void append_transitions_json(std::string& out, const TransitionResult& r, const DatasetVersion& version);
std::string transitions_message(const TransitionResult& r);
// The /skill-gap request that shows the whole gap of from -> to in `domain` under `source`.
std::string skill_gap_url(const std::string& from, const std::string& to, Domain domain, std::optional<ValueSource> source);

// The TSV: a header line, then one line per target (rank 1..n of each source, sources in the
// order they are appended). Tabs and line breaks inside text become spaces.
std::string transitions_tsv_header();
void append_transitions_tsv(std::string& out, const TransitionResult& r);

}  // namespace gap
