#pragma once
// Databases for gap and API tests: the repository's own pipelines run in-process on the
// fixture (or the real 29.2 files), or a tiny hand-written dataset inserted with plain SQL.
#include <filesystem>
#include <string>
#include <vector>

namespace gaptest {

// Runs pipelines/<pipeline> in-process with the registry of every node type, the load pointed
// at `db_url` and rejects under `work_dir`; extra overrides are "path.to.key=value". The
// environment is not consulted. Throws std::runtime_error with the run's error on failure.
void run_load(const std::string& pipeline, const std::string& db_url, const std::filesystem::path& work_dir,
              const std::vector<std::string>& overrides = {});

// tests/fixtures/onet_mini loaded through pipelines/sample.yaml into a new SQLite file in `dir`.
// Returns the database URL.
std::string load_mini_sqlite(const std::filesystem::path& dir);

// Executes statements on `db_url` (schema applied first). For hand-made datasets.
void exec_sql(const std::string& db_url, const std::vector<std::string>& statements);

// The hand-made dataset (applied by exec_sql): load run 1 completed, release "t1";
//   11-0001.00 "Source Occ"   LV 2.A.1.a 3.12, 2.A.1.b 4.00 (+IM), 2.C.1.a 1.00 (knowledge)
//   11-0002.00 "Target Occ"   LV 2.A.1.a 4.50 (IM 4.25), 2.A.1.b 4.00, 2.B.3.e 2.00 (NR 'Y'),
//                             2.A.2.a 1.25 (IM 2.00)
//   11-0003.00 "No Ratings Occ" (no rows)
std::vector<std::string> tiny_dataset();

}  // namespace gaptest
