// libFuzzer target: the O*NET table reader (nodes/onet/table_parser).
// Input: one control byte, then the file content. Control byte: bits 0-1 pick the table shape
// (Occupation Data, Content Model Reference, Scales Reference, Skills), bit 2 the bad-row
// policy (Fail / Collect), bits 3-7 the chunk size. Oracle beyond "no crash": the expected
// exceptions only (ParseError), chunked reading yields the same rows and rejects as reading
// the whole file at once, and no chunk exceeds its row limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "nodes/onet/table_parser.hpp"

namespace {

struct Totals {
  std::uint64_t rows = 0, rejects = 0;
  bool failed = false;
  std::string error;
};

Totals read_all(const std::string& content, const std::string& table, onet::Shape shape, onet::OnBadRow policy,
                std::size_t chunk) {
  Totals t;
  try {
    onet::TableParser p(content, table, shape, policy);
    while (auto b = p.next(chunk)) {
      if (b->rows() > chunk) std::abort();
      t.rows += b->rows();
      t.rejects += b->rejects.size();
      if (b->last) break;
    }
    if (p.rows_read() != t.rows || p.rows_rejected() != t.rejects) std::abort();
  } catch (const onet::ParseError& e) {
    t.failed = true;
    t.error = e.what();
  }
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static const char* const tables[] = {"Occupation Data", "Content Model Reference", "Scales Reference", "Skills"};
  const std::uint8_t ctl = data[0];
  const std::string table = tables[ctl & 3];
  const auto shape = *onet::shape_of(table);
  const auto policy = (ctl & 4) ? onet::OnBadRow::Collect : onet::OnBadRow::Fail;
  const std::size_t chunk = 1 + (ctl >> 3);
  const std::string content(reinterpret_cast<const char*>(data + 1), size - 1);

  // "Whole" = a chunk larger than the number of lines (the reader reserves room for a chunk up
  // front, so an unbounded size would make every run allocate the maximum).
  const Totals whole = read_all(content, table, shape, policy, content.size() + 1);
  const Totals chunked = read_all(content, table, shape, policy, chunk);
  // Row-level problems never depend on where a chunk ends. (Under Fail a throw may come from a
  // later chunk, so only the outcome and the message are compared, not partial counts.)
  if (whole.failed != chunked.failed || whole.error != chunked.error) std::abort();
  if (!whole.failed && (whole.rows != chunked.rows || whole.rejects != chunked.rejects)) std::abort();
  return 0;
}
