#pragma once
// The row checks of onet_validate, free of the engine so they can be tested directly.
// Reference tables (Occupation Data, Content Model Reference, Scales Reference) are checked on
// their own and remembered; rating tables (Skills, Knowledge, ...) are checked against them, so
// a rating chunk may only be checked once every reference table has arrived in full.
//
// A bad row gets exactly one problem: the first failing check in this order —
//   ratings:     malformed SOC code, code not in Occupation Data, element not in Content Model
//                Reference, element name differs from Content Model Reference, scale not in
//                Scales Reference, value outside the scale's [min, max], duplicate
//                (code, element, scale) within the table;
//   occupations: malformed SOC code, duplicate code;
//   elements:    empty or duplicate Element ID;
//   scales:      duplicate Scale ID, minimum above maximum.
// Only rows that pass are remembered, so under on_error=skip a rating pointing at a dropped
// occupation is dropped too, and the loaded data stays referentially whole.
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "nodes/onet/batches.hpp"

namespace onet {

bool is_soc_code(std::string_view code);  // NN-NNNN.NN
bool is_reference_table(std::string_view table);

class Validator {
 public:
  struct Result {
    std::shared_ptr<const TableBatch> kept;  // the input itself when nothing was dropped
    std::vector<RowProblem> problems;        // reader rejects carried by the batch, then checks
  };

  // Throws std::logic_error for a rating batch while references_complete() is false, and
  // std::runtime_error for a chunk of a table whose last chunk was already seen or for an unknown table.
  Result check(const std::shared_ptr<const TableBatch>& batch);

  bool references_complete() const;
  std::vector<std::string> missing_references() const;  // reference tables not complete yet

 private:
  void check_occupations(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems);
  void check_elements(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems);
  void check_scales(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems);
  void check_ratings(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems);

  struct Element {
    std::string name;
    std::uint32_t line;
  };
  struct Scale {
    double min, max;
    std::uint32_t line;
  };
  std::unordered_map<std::string, std::uint32_t> occupations_;  // code -> line
  std::unordered_map<std::string, Element> elements_;
  std::unordered_map<std::string, Scale> scales_;
  // Per rating table: "code\telement\tscale" -> line of the row kept first.
  std::unordered_map<std::string, std::unordered_map<std::string, std::uint32_t>> rating_keys_;
  std::set<std::string> complete_;  // tables whose last chunk was checked
};

}  // namespace onet
