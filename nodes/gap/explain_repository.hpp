#pragma once
// Read side of the explanation tables (level anchors, technology skills, job zones, education,
// task statements): everything `Explanations` holds, in one read transaction per dataset.
#include "nodes/gap/explain.hpp"
#include "nodes/gap/profile_repository.hpp"
#include "nodes/sql/database.hpp"

namespace gap {

// Reads the tables in one read transaction (a consistent snapshot on MySQL/MariaDB, one WAL
// read transaction on SQLite), tagged with the newest completed load run it saw. A database of
// schema version 1 has none of these tables: empty Explanations then. Opens its own connection
// (reloads are rare). Throws sqldb::DatabaseUnavailable when the database cannot be reached and
// std::runtime_error naming the statement's context for anything else.
ExplanationsPtr read_explanations(const sqldb::DatabaseUrl& url);

// Profiles and explanations of the same load run: when a load commits between the two reads,
// both are read again (a few times at most; then std::runtime_error, and the caller retries
// at its next check).
struct ExplainedSet {
  ProfileSet profiles;
  ExplanationsPtr explanations;
};
ExplainedSet load_explained(ProfileRepository& repo);

}  // namespace gap
