// Sample for the SQL lint's self-test (tests/security): never compiled. Each line marked
// "expect-finding" must be reported by sql_lint.py, and no other line.
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <soci/soci.h>

void bad(soci::session& s, soci::session* sp, const std::string& code, const std::string& table, int n) {
  s << "SELECT title FROM occupations WHERE onetsoc_code = '" + code + "'";  // expect-finding
  s << "DELETE FROM " + table;  // expect-finding
  std::string q = "SELECT * FROM occupations WHERE title LIKE '%" + code;  // expect-finding
  s << q;  // expect-finding
  *sp << fmt::format("UPDATE load_runs SET status = '{}'", code);  // expect-finding
  soci::statement st = (s.prepare << q);  // expect-finding
  std::string w = fmt::format("SELECT 1 FROM scales WHERE scale_id = '{}'", code);  // expect-finding
  std::ostringstream os;
  os << "INSERT INTO scales VALUES ('" << code << "')";  // expect-finding
  std::string v;
  v += "WHERE onetsoc_code = " + code;  // expect-finding
  s.once << "SELECT " + std::to_string(n);  // expect-finding
  s << std::string("DROP TABLE ") + table;  // expect-finding
  mysql_query(nullptr, q.c_str());  // expect-finding
  sqlite3_exec(nullptr, (std::string("DELETE FROM x WHERE id = ") + code).c_str(), nullptr, nullptr, nullptr);  // expect-finding
}

void good(soci::session& s, soci::session* sp, const std::string& code, bool mysql) {
  std::string title;
  s << "SELECT title FROM occupations WHERE onetsoc_code = :code", soci::use(code, "code"), soci::into(title);
  *sp << "DELETE FROM scales";
  s << "SELECT title "
       "FROM occupations WHERE onetsoc_code = :c",
      soci::use(code, "c"), soci::into(title);
  s << (mysql ? "START TRANSACTION" : "BEGIN");
  soci::rowset<soci::row> rs = (s.prepare << "SELECT element_id FROM content_elements");
  s << R"(UPDATE load_runs SET status = 'failed' WHERE status = 'running')";
  const std::string table = "scales";
  // sql-lint: fixed identifiers (the table name is a constant)
  s << "SELECT COUNT(*) FROM " + table;
  std::string msg = "no rows from the file " + code;  // prose, not a statement
  (void)msg;
}
