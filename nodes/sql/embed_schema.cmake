# cmake -DSQLITE=schema/sqlite.sql -DMYSQL=schema/mysql.sql -DOUT=schema_text.cpp -P embed_schema.cmake
# Writes the two DDL files as raw string literals; run at build time whenever a .sql changes.
set(delim "onet_schema_sql")
foreach(var SQLITE MYSQL)
  file(READ "${${var}}" text_${var})
  string(FIND "${text_${var}}" ")${delim}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${${var}} contains the raw-string delimiter )${delim}\"")
  endif()
endforeach()
set(content "// Generated from schema/*.sql by nodes/sql/embed_schema.cmake; do not edit.
#include \"nodes/sql/schema_text.hpp\"
namespace sqldb {
std::string_view embedded_schema_sqlite() {
  static constexpr std::string_view text = R\"${delim}(${text_SQLITE})${delim}\";
  return text;
}
std::string_view embedded_schema_mysql() {
  static constexpr std::string_view text = R\"${delim}(${text_MYSQL})${delim}\";
  return text;
}
}  // namespace sqldb
")
file(WRITE "${OUT}.tmp" "${content}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
