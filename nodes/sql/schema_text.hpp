#pragma once
// schema/sqlite.sql and schema/mysql.sql, compiled into the binary by embed_schema.cmake so a
// load does not depend on the working directory. Use sqldb::schema_ddl() rather than these.
#include <string_view>

namespace sqldb {
std::string_view embedded_schema_sqlite();
std::string_view embedded_schema_mysql();
}  // namespace sqldb
