#pragma once
// The row checks of onet_validate, free of the engine so they can be tested directly.
// Reference tables (Occupation Data, Content Model Reference, Scales Reference, Job Zone
// Reference, and Education, Training, and Experience Categories) are checked and remembered;
// every other table is checked against the references its rows point into
// (table_shapes.hpp: references_of), so a chunk may only be checked once those have arrived in
// full (ready()).
//
// A bad row gets exactly one problem: the first failing check in this order —
//   ratings:          malformed SOC code, code not in Occupation Data, element not in Content
//                     Model Reference, element name differs from Content Model Reference, scale
//                     not in Scales Reference, value outside the scale's [min, max], duplicate
//                     (code, element, scale) within the table;
//   occupations:      malformed SOC code, duplicate code;
//   elements:         empty or duplicate Element ID;
//   scales:           duplicate Scale ID, minimum above maximum;
//   tasks:            SOC code (malformed, not in Occupation Data), Task ID not positive, empty
//                     Task, negative Incumbents Responding, duplicate Task ID (in the release);
//   alternate titles: SOC code, empty title, duplicate (code, title, short title);
//   reported titles:  SOC code, empty title, duplicate (code, title);
//   job zone ref.:    zone outside 1..5, empty name, duplicate zone;
//   job zones:        SOC code, zone not in Job Zone Reference, duplicate code;
//   anchors:          element (unknown, other name), scale unknown, anchor value outside the
//                     scale's [min, max], duplicate (element, scale, anchor value);
//   technologies:     SOC code, commodity code not 8 digits, empty example, commodity title
//                     differing from an earlier row's for the same code, duplicate
//                     (code, commodity, example);
//   ETE categories:   element, scale, category below 1, duplicate (element, scale, category);
//   ETE:              SOC code, element, scale, category not in the ETE Categories (or n/a
//                     where the element and scale have categories), value outside the scale's
//                     [min, max], duplicate (code, element, scale, category).
// Only rows that pass are remembered, so under on_error=skip a rating of a dropped occupation
// is dropped too, and the loaded data stays referentially whole.
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "nodes/onet/batches.hpp"

namespace onet {

bool is_soc_code(std::string_view code);  // NN-NNNN.NN
// True for the tables other tables point into (their own references_of may be non-empty:
// ETE Categories points into Content Model Reference and Scales Reference).
bool is_reference_table(std::string_view table);

class Validator {
 public:
  struct Result {
    std::shared_ptr<const TableBatch> kept;  // the input itself when nothing was dropped
    std::vector<RowProblem> problems;        // reader rejects carried by the batch, then checks
  };

  // Throws std::logic_error for a chunk of a table that is not ready(), and std::runtime_error
  // for a chunk of a table whose last chunk was already seen or for an unknown table.
  Result check(const std::shared_ptr<const TableBatch>& batch);

  // Every table `table`'s rows refer to has arrived complete.
  bool ready(std::string_view table) const;
  // Of the references of `table`, those not complete yet (in references_of order).
  std::vector<std::string> missing_references(std::string_view table) const;
  // The same for the rating tables (Occupation Data, Content Model Reference, Scales Reference).
  bool references_complete() const;
  std::vector<std::string> missing_references() const;

 private:
  struct Element {
    std::string name;
    std::uint32_t line;
  };
  struct Scale {
    double min, max;
    std::uint32_t line;
  };
  struct Commodity {
    std::string title;
    std::uint32_t line;
  };
  using Lines = std::unordered_map<std::string, std::uint32_t>;  // key -> line of the row kept first

  // Runs `reason` on every row; rows with a reason become problems. The kept rows are copied to
  // `out` only when something was dropped (a clean chunk is forwarded as is by check()).
  template <class Row, class Reason, class Key>
  void filter(const TableBatch& in, const std::vector<Row>& rows, std::vector<Row>& out, std::vector<RowProblem>& problems,
              Reason reason, Key key);

  // "" when fine, else the reason.
  std::string occupation_problem(const std::string& code) const;
  std::string element_problem(const std::string& id, const std::string& name) const;
  std::string scale_problem(const std::string& scale_id, double value) const;

  void check_occupations(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems);
  void check_elements(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems);
  void check_scales(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems);
  void check_ratings(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems);
  void check_tasks(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems);
  void check_alternate_titles(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems);
  void check_reported_titles(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems);
  void check_job_zone_reference(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems);
  void check_job_zones(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems);
  void check_anchors(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems);
  void check_technologies(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems);
  void check_ete_categories(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems);
  void check_ete(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems);

  std::unordered_map<std::string, std::uint32_t> occupations_;  // code -> line
  std::unordered_map<std::string, Element> elements_;
  std::unordered_map<std::string, Scale> scales_;
  std::unordered_map<int, std::uint32_t> job_zones_;         // Job Zone Reference: zone -> line
  std::unordered_set<std::string> ete_categories_;           // "element\tscale\tcategory"
  std::unordered_set<std::string> ete_categorized_;          // "element\tscale" with categories
  std::unordered_map<std::int64_t, Commodity> commodities_;  // Technology Skills
  // Per table: key of each kept row -> its line (duplicate checks).
  std::unordered_map<std::string, Lines> keys_;
  std::set<std::string> complete_;  // tables whose last chunk was checked
};

}  // namespace onet
