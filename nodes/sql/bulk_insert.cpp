#include "nodes/sql/bulk_insert.hpp"

#include <stdexcept>

#include <soci/soci.h>

namespace sqldb {

struct BulkInsert::Impl {
  struct Column {
    ColumnDef def;
    std::size_t slot = 0;  // index into the storage vector of its type
  };

  soci::session& session;
  Dialect dialect;
  std::string table, verb;
  std::vector<Column> columns;
  std::size_t batch_rows;

  // Column storage, batch_rows long; rows [0, staged) hold data. For MySQL the prepared
  // statement binds the elements' addresses, so these vectors are sized once and never grow.
  std::vector<std::vector<std::string>> texts;
  std::vector<std::vector<double>> reals;
  std::vector<std::vector<long long>> ints;
  std::vector<std::vector<soci::indicator>> inds;  // per column
  std::vector<char> set_in_row;                     // per column, for the row being staged
  std::size_t staged = 0;
  std::string first_origin, last_origin;
  std::unique_ptr<soci::statement> full;  // prepared on first use for a full batch

  Impl(soci::session& s, Dialect d, std::string t, std::vector<ColumnDef> cols, std::size_t rows,
       std::string v)
      : session(s), dialect(d), table(std::move(t)), verb(std::move(v)), batch_rows(rows) {
    if (batch_rows == 0) throw std::invalid_argument("BulkInsert: batch_rows must be positive");
    if (cols.empty()) throw std::invalid_argument("BulkInsert: no columns for " + table);
    for (auto& c : cols) {
      Column col{std::move(c), 0};
      switch (col.def.type) {
        case ColumnType::Text:
          col.slot = texts.size();
          texts.emplace_back(batch_rows);
          break;
        case ColumnType::Real:
          col.slot = reals.size();
          reals.emplace_back(batch_rows);
          break;
        case ColumnType::Integer:
          col.slot = ints.size();
          ints.emplace_back(batch_rows);
          break;
      }
      columns.push_back(std::move(col));
      inds.emplace_back(batch_rows, soci::i_ok);
    }
    set_in_row.assign(columns.size(), 0);
  }

  std::string insert_sql(std::size_t rows) const {
    std::string names;
    for (const auto& c : columns) names += (names.empty() ? "" : ", ") + c.def.name;
    std::string sql = verb + " INTO " + table + " (" + names + ") VALUES ";
    std::size_t p = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      sql += r ? ",(" : "(";
      for (std::size_t c = 0; c < columns.size(); ++c) {
        // Distinct names: SQLite maps equal names to one parameter.
        sql += (c ? ", :p" : ":p") + std::to_string(p++);
      }
      sql += ')';
    }
    return sql;
  }

  template <class T>
  void bind_element(soci::statement& st, std::vector<T>& v, std::size_t c, std::size_t r) {
    st.exchange(soci::use(v[r], inds[c][r]));
  }

  std::unique_ptr<soci::statement> prepare(std::size_t rows) {
    auto st = std::make_unique<soci::statement>(session);
    if (dialect == Dialect::SQLite) {
      for (std::size_t c = 0; c < columns.size(); ++c) {
        const auto& col = columns[c];
        switch (col.def.type) {
          case ColumnType::Text: st->exchange(soci::use(texts[col.slot], inds[c])); break;
          case ColumnType::Real: st->exchange(soci::use(reals[col.slot], inds[c])); break;
          case ColumnType::Integer: st->exchange(soci::use(ints[col.slot], inds[c])); break;
        }
      }
      st->alloc();
      st->prepare(insert_sql(1));
    } else {
      for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < columns.size(); ++c) {
          const auto& col = columns[c];
          switch (col.def.type) {
            case ColumnType::Text: bind_element(*st, texts[col.slot], c, r); break;
            case ColumnType::Real: bind_element(*st, reals[col.slot], c, r); break;
            case ColumnType::Integer: bind_element(*st, ints[col.slot], c, r); break;
          }
        }
      }
      st->alloc();
      st->prepare(insert_sql(rows));
    }
    st->define_and_bind();
    return st;
  }

  // SQLite's vector bind sends as many rows as the vectors hold.
  void resize_storage(std::size_t n) {
    for (auto& v : texts) v.resize(n);
    for (auto& v : reals) v.resize(n);
    for (auto& v : ints) v.resize(n);
    for (auto& v : inds) v.resize(n, soci::i_ok);
  }

  void execute(std::size_t n) {
    if (dialect == Dialect::SQLite) {
      if (!full) full = prepare(batch_rows);
      if (n < batch_rows) resize_storage(n);
      try {
        full->execute(true);
      } catch (...) {
        if (n < batch_rows) resize_storage(batch_rows);
        throw;
      }
      if (n < batch_rows) resize_storage(batch_rows);
    } else if (n == batch_rows) {
      if (!full) full = prepare(batch_rows);
      full->execute(true);
    } else {
      prepare(n)->execute(true);  // the last, shorter batch of a table: prepared once, used once
    }
  }
};

BulkInsert::BulkInsert(soci::session& s, Dialect dialect, std::string table,
                       std::vector<ColumnDef> columns, std::size_t batch_rows, std::string verb)
    : impl_(std::make_unique<Impl>(s, dialect, table, std::move(columns), batch_rows,
                                   std::move(verb))),
      table_(std::move(table)) {}

BulkInsert::~BulkInsert() = default;

void BulkInsert::text(std::size_t col, std::string_view v) {
  auto& c = impl_->columns.at(col);
  if (c.def.type != ColumnType::Text) throw std::logic_error(table_ + "." + c.def.name + " is not text");
  impl_->texts[c.slot][impl_->staged].assign(v);
  impl_->inds[col][impl_->staged] = soci::i_ok;
  impl_->set_in_row[col] = 1;
}

void BulkInsert::nullable_text(std::size_t col, std::optional<std::string_view> v) {
  if (v) return text(col, *v);
  auto& c = impl_->columns.at(col);
  if (c.def.type != ColumnType::Text) throw std::logic_error(table_ + "." + c.def.name + " is not text");
  impl_->texts[c.slot][impl_->staged].clear();
  impl_->inds[col][impl_->staged] = soci::i_null;
  impl_->set_in_row[col] = 1;
}

void BulkInsert::real(std::size_t col, std::optional<double> v) {
  auto& c = impl_->columns.at(col);
  if (c.def.type != ColumnType::Real) throw std::logic_error(table_ + "." + c.def.name + " is not real");
  impl_->reals[c.slot][impl_->staged] = v.value_or(0.0);
  impl_->inds[col][impl_->staged] = v ? soci::i_ok : soci::i_null;
  impl_->set_in_row[col] = 1;
}

void BulkInsert::integer(std::size_t col, std::optional<long long> v) {
  auto& c = impl_->columns.at(col);
  if (c.def.type != ColumnType::Integer) throw std::logic_error(table_ + "." + c.def.name + " is not integer");
  impl_->ints[c.slot][impl_->staged] = v.value_or(0);
  impl_->inds[col][impl_->staged] = v ? soci::i_ok : soci::i_null;
  impl_->set_in_row[col] = 1;
}

void BulkInsert::end_row(std::string_view origin) {
  auto& im = *impl_;
  for (std::size_t c = 0; c < im.columns.size(); ++c) {
    if (!im.set_in_row[c]) {
      throw std::logic_error("BulkInsert: column " + table_ + "." + im.columns[c].def.name +
                             " not set for the row from " + std::string(origin));
    }
    im.set_in_row[c] = 0;
  }
  if (im.staged == 0) im.first_origin.assign(origin);
  im.last_origin.assign(origin);
  if (++im.staged == im.batch_rows) flush();
}

void BulkInsert::flush() {
  auto& im = *impl_;
  if (im.staged == 0) return;
  const std::size_t n = im.staged;
  try {
    im.execute(n);
  } catch (const std::exception& e) {
    std::string msg = "inserting " + std::to_string(n) + " row(s) into " + table_ + " (" +
                      im.first_origin + (n > 1 ? " .. " + im.last_origin : std::string()) +
                      "): ";
    auto se = dynamic_cast<const soci::soci_error*>(&e);
    msg += se ? se->get_error_message() : std::string(e.what());
    im.staged = 0;
    if (is_unavailable_error(e)) throw DatabaseUnavailable(msg);
    throw std::runtime_error(msg);
  }
  im.staged = 0;
  written_ += n;
}

}  // namespace sqldb
