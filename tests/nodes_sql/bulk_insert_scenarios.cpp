#include "tests/nodes_sql/bulk_insert_scenarios.hpp"

#include <catch2/catch.hpp>
#include <soci/soci.h>

#include "nodes/sql/database.hpp"

namespace sqltest {

void scenario_bulk_insert_round_trip(const std::string& url, sqldb::MysqlInsert mysql, const std::string& method) {
  auto u = sqldb::DatabaseUrl::parse(url);
  auto s = sqldb::open_session(u);
  if (u.dialect == sqldb::Dialect::SQLite) {
    *s << "CREATE TABLE bulk_t (id INTEGER PRIMARY KEY, t TEXT, r REAL, i INTEGER)";
  } else {
    *s << "CREATE TABLE bulk_t (id BIGINT PRIMARY KEY, t TEXT, r DOUBLE, i BIGINT) "
          "DEFAULT CHARSET=utf8mb4";
  }
  struct Row {
    std::optional<std::string> t;
    std::optional<double> r;
    std::optional<long long> i;
  };
  const std::vector<Row> rows = {
      {"it's", 0.1, 0},
      {"back\\slash \"quoted\"", 4.75, -1},
      {"tab\tnew\nline\r\n", 1e-300, 9007199254740993LL},
      {"ünïcødé ✓ – 日本", 1.0 / 3.0, std::nullopt},
      {"", std::nullopt, 42},
      {std::nullopt, -123456.789, std::numeric_limits<long long>::min()},
      {"'); DROP TABLE bulk_t; --", 6.96, 7},
  };

  sqldb::BulkInsertOptions opts;
  opts.batch_rows = 3;  // two full batches and a short one
  opts.mysql = mysql;
  {
    soci::transaction tx(*s);
    sqldb::BulkInsert b(*s, u.dialect, "bulk_t",
                        {{"id", sqldb::ColumnType::Integer},
                         {"t", sqldb::ColumnType::Text},
                         {"r", sqldb::ColumnType::Real},
                         {"i", sqldb::ColumnType::Integer}},
                        opts);
    CHECK(std::string(b.method()) == method);
    for (std::size_t k = 0; k < rows.size(); ++k) {
      b.integer(0, static_cast<long long>(k));
      if (rows[k].t)
        b.text(1, *rows[k].t);
      else
        b.nullable_text(1, std::nullopt);
      b.real(2, rows[k].r);
      b.integer(3, rows[k].i);
      b.end_row("row " + std::to_string(k));
    }
    b.flush();
    CHECK(b.rows_written() == rows.size());
    // A forgotten column is a programming error caught before anything is sent.
    b.integer(0, 99);
    CHECK_THROWS_WITH(b.end_row("incomplete"), Catch::Contains("bulk_t.t not set"));
    tx.commit();
  }

  for (std::size_t k = 0; k < rows.size(); ++k) {
    INFO("row " << k);
    std::string t;
    double r = 0;
    long long i = 0;
    soci::indicator ti, ri, ii;
    long long id = static_cast<long long>(k);
    *s << "SELECT t, r, i FROM bulk_t WHERE id = :id", soci::use(id), soci::into(t, ti), soci::into(r, ri), soci::into(i, ii);
    REQUIRE(s->got_data());
    CHECK((ti == soci::i_null) == !rows[k].t);
    if (rows[k].t) CHECK(t == *rows[k].t);
    CHECK((ri == soci::i_null) == !rows[k].r);
    if (rows[k].r) CHECK(r == *rows[k].r);  // exact: no decimal rounding on the way
    CHECK((ii == soci::i_null) == !rows[k].i);
    if (rows[k].i) CHECK(i == *rows[k].i);
  }
  long long n = 0;
  *s << "SELECT COUNT(*) FROM bulk_t", soci::into(n);
  CHECK(n == static_cast<long long>(rows.size()));
}

}  // namespace sqltest
