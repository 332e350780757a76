#pragma once
// pipelines/full.yaml on the real O*NET 29.2 files and pipelines/sample.yaml on the
// repository's fixture, into a given database (SQLite or MariaDB).
#include <string>

namespace sqltest {

// Skips (visibly) when the real files are absent; returns false then.
bool scenario_real_release(const std::string& url, const std::string& rejects_path);
void scenario_sample_pipeline(const std::string& url, const std::string& rejects_path);
// Every bad input of the descriptive tables (header changed, unknown occupation code or element,
// duplicate key, truncated line) through pipelines/sample.yaml: the run fails naming file:line,
// and the dataset loaded before is untouched.
void scenario_descriptive_bad_inputs(const std::string& url, const std::string& rejects_path);

}  // namespace sqltest
