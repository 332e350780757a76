#pragma once
// The rejects file of on_error=skip: a TSV with a header line, then one line per rejected row:
//   file<TAB>line<TAB>reason<TAB>key
// Written whole under a temporary name and renamed, so a reader never sees half a file.
#include <string>
#include <vector>

#include "nodes/onet/batches.hpp"

namespace onet {

// Creates missing parent folders. Throws std::runtime_error naming the path on failure.
void write_rejects_file(const std::string& path, const std::vector<RowProblem>& rejects);

}  // namespace onet
