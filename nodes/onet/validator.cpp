#include "nodes/onet/validator.hpp"

#include <charconv>
#include <stdexcept>

#include "nodes/onet/table_shapes.hpp"

namespace onet {

namespace {

std::string num(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, end) : std::to_string(v);
}

bool digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string at_line(std::uint32_t line) { return " (first at line " + std::to_string(line) + ")"; }

}  // namespace

bool is_soc_code(std::string_view c) {
  return c.size() == 10 && c[2] == '-' && c[7] == '.' && digits(c.substr(0, 2)) && digits(c.substr(3, 4)) &&
         digits(c.substr(8, 2));
}

bool is_reference_table(std::string_view table) {
  return table == kOccupationTable || table == kContentModelTable || table == kScalesTable;
}

bool Validator::references_complete() const { return missing_references().empty(); }

std::vector<std::string> Validator::missing_references() const {
  std::vector<std::string> out;
  for (auto t : {kOccupationTable, kContentModelTable, kScalesTable}) {
    if (!complete_.count(std::string(t))) out.emplace_back(t);
  }
  return out;
}

Validator::Result Validator::check(const std::shared_ptr<const TableBatch>& batch) {
  const TableBatch& in = *batch;
  if (complete_.count(in.table)) {
    throw std::runtime_error("table '" + in.table + "' arrived again after its last chunk (is it read by two onet_table nodes?)");
  }
  auto shape = shape_of(in.table);
  if (!shape) throw std::runtime_error("table '" + in.table + "' is not one onet_validate knows how to check");
  if (*shape == Shape::Rating && !references_complete()) {
    throw std::logic_error("rating table '" + in.table + "' checked before the reference tables were complete");
  }
  Result r;
  r.problems = in.rejects;
  auto out = std::make_shared<TableBatch>();
  out->table = in.table;
  out->file = in.file;
  out->last = in.last;
  out->release = in.release;
  switch (*shape) {
    case Shape::Occupation: check_occupations(in, *out, r.problems); break;
    case Shape::Element: check_elements(in, *out, r.problems); break;
    case Shape::Scale: check_scales(in, *out, r.problems); break;
    case Shape::Rating: check_ratings(in, *out, r.problems); break;
  }
  if (in.last) complete_.insert(in.table);
  if (r.problems.empty()) {
    r.kept = batch;  // nothing dropped: forward the very same batch, no copy
  } else {
    // Carry what was dropped downstream too: the loader counts it into load_runs.rejected.
    out->rejects = r.problems;
    r.kept = std::move(out);
  }
  return r;
}

// Reference tables are small (at most a few thousand rows): their checkers always copy.
void Validator::check_occupations(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems) {
  std::vector<OccupationRow> kept;
  kept.reserve(in.occupations.size());
  for (const auto& row : in.occupations) {
    std::string reason;
    if (!is_soc_code(row.code)) {
      reason = "malformed O*NET-SOC code '" + row.code + "' (expected NN-NNNN.NN)";
    } else if (auto [it, fresh] = occupations_.try_emplace(row.code, row.line); !fresh) {
      reason = "duplicate O*NET-SOC code '" + row.code + "'" + at_line(it->second);
    }
    if (reason.empty()) {
      kept.push_back(row);
    } else {
      problems.push_back({in.file, row.line, std::move(reason), row.code});
    }
  }
  out.occupations = std::move(kept);
}

void Validator::check_elements(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems) {
  std::vector<ElementRow> kept;
  kept.reserve(in.elements.size());
  for (const auto& row : in.elements) {
    std::string reason;
    if (row.element_id.empty()) {
      reason = "empty Element ID";
    } else if (auto [it, fresh] = elements_.try_emplace(row.element_id, Element{row.element_name, row.line}); !fresh) {
      reason = "duplicate element ID '" + row.element_id + "'" + at_line(it->second.line);
    }
    if (reason.empty()) {
      kept.push_back(row);
    } else {
      problems.push_back({in.file, row.line, std::move(reason), row.element_id});
    }
  }
  out.elements = std::move(kept);
}

void Validator::check_scales(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems) {
  std::vector<ScaleRow> kept;
  for (const auto& row : in.scales) {
    std::string reason;
    if (row.minimum > row.maximum) {
      reason = "scale '" + row.scale_id + "' has minimum " + num(row.minimum) + " above maximum " + num(row.maximum);
    } else if (auto [it, fresh] = scales_.try_emplace(row.scale_id, Scale{row.minimum, row.maximum, row.line});
               !fresh) {
      reason = "duplicate scale ID '" + row.scale_id + "'" + at_line(it->second.line);
    }
    if (reason.empty()) {
      kept.push_back(row);
    } else {
      problems.push_back({in.file, row.line, std::move(reason), row.scale_id});
    }
  }
  out.scales = std::move(kept);
}

void Validator::check_ratings(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems) {
  auto& seen = rating_keys_[in.table];
  const std::size_t problems_before = problems.size();
  std::vector<const RatingRow*> kept;
  kept.reserve(in.ratings.size());
  std::string key;
  for (const auto& row : in.ratings) {
    std::string reason;
    if (!is_soc_code(row.code)) {
      reason = "malformed O*NET-SOC code '" + row.code + "' (expected NN-NNNN.NN)";
    } else if (!occupations_.count(row.code)) {
      reason = "occupation code '" + row.code + "' is not in Occupation Data";
    } else if (auto el = elements_.find(row.element_id); el == elements_.end()) {
      reason = "element '" + row.element_id + "' is not in Content Model Reference";
    } else if (el->second.name != row.element_name) {
      reason = "element name '" + row.element_name + "' does not match Content Model Reference '" +
               el->second.name + "' for " + row.element_id;
    } else if (auto sc = scales_.find(row.scale_id); sc == scales_.end()) {
      reason = "scale '" + row.scale_id + "' is not in Scales Reference";
    } else if (row.value < sc->second.min || row.value > sc->second.max) {
      reason = "value " + num(row.value) + " is outside scale '" + row.scale_id + "' range [" +
               num(sc->second.min) + ", " + num(sc->second.max) + "]";
    } else {
      key.clear();
      key.append(row.code).append(1, '\t').append(row.element_id).append(1, '\t').append(row.scale_id);
      if (auto [it, fresh] = seen.try_emplace(key, row.line); !fresh) {
        reason = "duplicate (" + row.code + ", " + row.element_id + ", " + row.scale_id + ")" + at_line(it->second);
      }
    }
    if (reason.empty()) {
      kept.push_back(&row);
    } else {
      problems.push_back({in.file, row.line, std::move(reason), row.code + "/" + row.element_id + "/" + row.scale_id});
    }
  }
  // Copy rows only when some were dropped; a clean chunk is forwarded as is by check().
  if (problems.size() != problems_before || !in.rejects.empty()) {
    out.ratings.reserve(kept.size());
    for (const auto* r : kept) out.ratings.push_back(*r);
  }
}

}  // namespace onet
