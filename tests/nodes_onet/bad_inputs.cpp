#include "tests/nodes_onet/bad_inputs.hpp"

#include "nodes/onet/table_shapes.hpp"
#include "support/test_support.hpp"

namespace onettest {

namespace {

struct Table {
  std::string name, node;
  // A row pointing at something that does not exist, and the validator's reason.
  std::string unknown_row, unknown_reason;
};

const std::vector<Table>& tables() {
  static const std::vector<Table> t = {
      {"Education, Training, and Experience", "ete",
       "47-9901.01\t2.D.1\tRequired Level of Education\tRL\t1\t10.00\t8\t1.0000\t0.0000\t3.0000\tN\t08/2024\tIncumbent",
       "occupation code '47-9901.01' is not in Occupation Data"},
      {"Job Zones", "job_zones", "47-9901.01\t1\t08/2022\tAnalyst", "occupation code '47-9901.01' is not in Occupation Data"},
      {"Task Statements", "tasks", "47-9901.01\t99999\tDig.\tCore\t3\t08/2024\tIncumbent",
       "occupation code '47-9901.01' is not in Occupation Data"},
      {"Alternate Titles", "alternate_titles", "47-9901.01\tDigger\tn/a\t04",
       "occupation code '47-9901.01' is not in Occupation Data"},
      {"Sample of Reported Titles", "reported_titles", "47-9901.01\tDigger\tY",
       "occupation code '47-9901.01' is not in Occupation Data"},
      {"Level Scale Anchors", "anchors", "2.B.3.z\tHacking\tLV\t2\tHack", "element '2.B.3.z' is not in Content Model Reference"},
      {"Technology Skills", "technology", "47-9901.01\tMoatMeter\t43232306\tData base query software\tN\tN",
       "occupation code '47-9901.01' is not in Occupation Data"},
      // Reference tables: nothing to point at an occupation; an unknown element / a zone O*NET
      // does not define instead.
      {"Education, Training, and Experience Categories", "ete_categories", "2.D.9\tNothing\tRL\t7\tNone",
       "element '2.D.9' is not in Content Model Reference"},
      {"Job Zone Reference", "job_zone_reference", "6\tJob Zone Six\ta\tb\tc\td\t(9.0 and above)", "job zone 6 is outside 1..5"},
  };
  return t;
}

std::size_t line_count(const std::string& content) {
  std::size_t n = 0;
  for (char c : content) n += c == '\n';
  return n;
}

}  // namespace

const std::vector<std::string>& descriptive_tables() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& t : tables()) v.push_back(t.name);
    return v;
  }();
  return names;
}

std::vector<BadInput> descriptive_bad_inputs() {
  std::vector<BadInput> out;
  for (const auto& t : tables()) {
    const std::string file = onet::file_name_of(t.name);
    const std::string content = testing_support::read_file(testing_support::repo_path("tests/fixtures/onet_mini/" + file));
    const std::size_t lines = line_count(content);  // every line ends with CRLF
    const auto& cols = onet::columns(*onet::shape_of(t.name));
    auto at = [&](std::size_t line) { return file + ":" + std::to_string(line) + ": "; };

    std::string renamed = content;
    renamed.replace(renamed.find(std::string(cols[1])), cols[1].size(), "Renamed");
    out.push_back({t.name, t.node, "header changed", renamed,
                   at(1) + "header column 2 is 'Renamed', expected '" + std::string(cols[1]) + "'", true});

    out.push_back(
        {t.name, t.node, "unknown occupation code", content + t.unknown_row + "\r\n", at(lines + 1) + t.unknown_reason, false});

    const auto first = content.find('\n') + 1;
    const std::string first_row = content.substr(first, content.find('\r', first) - first);
    out.push_back({t.name, t.node, "duplicate key", content + first_row + "\r\n", at(lines + 1) + "duplicate", false});

    // Cut after the first field of the last line: no line ending, too few fields.
    const std::size_t last_line = content.rfind("\r\n", content.size() - 3) + 2;
    out.push_back(
        {t.name, t.node, "truncated line", content.substr(0, content.find('\t', last_line)),
         at(lines) + "truncated last line: 1 of " + std::to_string(cols.size()) + " fields and no line ending (file cut short?)",
         true});
  }
  return out;
}

}  // namespace onettest
