#pragma once
// BulkInsert on its own: awkward values (quotes, backslashes, control characters, UTF-8, empty
// strings versus NULL, extreme doubles, 64-bit integers) must come back exactly, through every
// way it sends rows.
#include <string>

#include "nodes/sql/bulk_insert.hpp"

namespace sqltest {

// Expects `method` ("SOCI vector binding", "MariaDB array binding", "SOCI multi-row INSERT").
void scenario_bulk_insert_round_trip(const std::string& url, sqldb::MysqlInsert mysql, const std::string& method);

}  // namespace sqltest
