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

std::string join(std::initializer_list<std::string_view> parts, char sep) {
  std::string s;
  for (auto p : parts) {
    if (!s.empty()) s += sep;
    s.append(p);
  }
  return s;
}

// Remembers `key` when new; else the duplicate's reason ("duplicate <what()> (first at line N)").
// `what` is only called for a duplicate, so clean rows build no message.
template <class Map, class What>
std::string duplicate(Map& seen, const typename Map::key_type& key, std::uint32_t line, What what) {
  auto [it, fresh] = seen.try_emplace(key, line);
  return fresh ? std::string() : "duplicate " + what() + at_line(it->second);
}

// O*NET defines five job zones (Job Zone Reference); a sixth would be a different scheme.
constexpr int kMinJobZone = 1, kMaxJobZone = 5;
// Technology Skills commodity codes are 8-digit UNSPSC commodity codes.
constexpr std::int64_t kMinCommodity = 10000000, kMaxCommodity = 99999999;

}  // namespace

bool is_soc_code(std::string_view c) {
  return c.size() == 10 && c[2] == '-' && c[7] == '.' && digits(c.substr(0, 2)) && digits(c.substr(3, 4)) &&
         digits(c.substr(8, 2));
}

bool is_reference_table(std::string_view table) {
  return table == kOccupationTable || table == kContentModelTable || table == kScalesTable || table == kJobZoneReferenceTable ||
         table == kEteCategoriesTable;
}

bool Validator::ready(std::string_view table) const { return missing_references(table).empty(); }

std::vector<std::string> Validator::missing_references(std::string_view table) const {
  std::vector<std::string> out;
  for (auto t : references_of(table)) {
    if (!complete_.count(std::string(t))) out.emplace_back(t);
  }
  return out;
}

bool Validator::references_complete() const { return missing_references().empty(); }

std::vector<std::string> Validator::missing_references() const { return missing_references("Skills"); }

Validator::Result Validator::check(const std::shared_ptr<const TableBatch>& batch) {
  const TableBatch& in = *batch;
  if (complete_.count(in.table)) {
    throw std::runtime_error("table '" + in.table + "' arrived again after its last chunk (is it read by two onet_table nodes?)");
  }
  auto shape = shape_of(in.table);
  if (!shape) throw std::runtime_error("table '" + in.table + "' is not one onet_validate knows how to check");
  if (!ready(in.table)) {
    throw std::logic_error("table '" + in.table + "' checked before its reference tables were complete");
  }
  Result r;
  r.problems = in.rejects;
  auto out = std::make_shared<TableBatch>();
  out->table = in.table;
  out->file = in.file;
  out->last = in.last;
  out->release = in.release;
  switch (*shape) {
    case Shape::Occupation:
      check_occupations(in, *out, r.problems);
      break;
    case Shape::Element:
      check_elements(in, *out, r.problems);
      break;
    case Shape::Scale:
      check_scales(in, *out, r.problems);
      break;
    case Shape::Rating:
      check_ratings(in, *out, r.problems);
      break;
    case Shape::Task:
      check_tasks(in, *out, r.problems);
      break;
    case Shape::AlternateTitle:
      check_alternate_titles(in, *out, r.problems);
      break;
    case Shape::ReportedTitle:
      check_reported_titles(in, *out, r.problems);
      break;
    case Shape::JobZoneReference:
      check_job_zone_reference(in, *out, r.problems);
      break;
    case Shape::JobZone:
      check_job_zones(in, *out, r.problems);
      break;
    case Shape::Anchor:
      check_anchors(in, *out, r.problems);
      break;
    case Shape::Technology:
      check_technologies(in, *out, r.problems);
      break;
    case Shape::EteCategory:
      check_ete_categories(in, *out, r.problems);
      break;
    case Shape::Ete:
      check_ete(in, *out, r.problems);
      break;
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

template <class Row, class Reason, class Key>
void Validator::filter(const TableBatch& in, const std::vector<Row>& rows, std::vector<Row>& out,
                       std::vector<RowProblem>& problems, Reason reason, Key key) {
  const std::size_t problems_before = problems.size();
  std::vector<const Row*> kept;
  kept.reserve(rows.size());
  for (const auto& row : rows) {
    std::string why = reason(row);
    if (why.empty()) {
      kept.push_back(&row);
    } else {
      problems.push_back({in.file, row.line, std::move(why), key(row)});
    }
  }
  if (problems.size() != problems_before || !in.rejects.empty()) {
    out.reserve(kept.size());
    for (const auto* r : kept) out.push_back(*r);
  }
}

std::string Validator::occupation_problem(const std::string& code) const {
  if (!is_soc_code(code)) return "malformed O*NET-SOC code '" + code + "' (expected NN-NNNN.NN)";
  if (!occupations_.count(code)) return "occupation code '" + code + "' is not in Occupation Data";
  return {};
}

std::string Validator::element_problem(const std::string& id, const std::string& name) const {
  auto el = elements_.find(id);
  if (el == elements_.end()) return "element '" + id + "' is not in Content Model Reference";
  if (el->second.name != name) {
    return "element name '" + name + "' does not match Content Model Reference '" + el->second.name + "' for " + id;
  }
  return {};
}

std::string Validator::scale_problem(const std::string& scale_id, double value) const {
  auto sc = scales_.find(scale_id);
  if (sc == scales_.end()) return "scale '" + scale_id + "' is not in Scales Reference";
  if (value < sc->second.min || value > sc->second.max) {
    return "value " + num(value) + " is outside scale '" + scale_id + "' range [" + num(sc->second.min) + ", " +
           num(sc->second.max) + "]";
  }
  return {};
}

// Reference tables are small (at most a few thousand rows).
void Validator::check_occupations(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems) {
  filter(
      in, in.occupations, out.occupations, problems,
      [&](const OccupationRow& row) -> std::string {
        if (!is_soc_code(row.code)) return "malformed O*NET-SOC code '" + row.code + "' (expected NN-NNNN.NN)";
        if (auto [it, fresh] = occupations_.try_emplace(row.code, row.line); !fresh) {
          return "duplicate O*NET-SOC code '" + row.code + "'" + at_line(it->second);
        }
        return {};
      },
      [](const OccupationRow& row) { return row.code; });
}

void Validator::check_elements(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems) {
  filter(
      in, in.elements, out.elements, problems,
      [&](const ElementRow& row) -> std::string {
        if (row.element_id.empty()) return "empty Element ID";
        if (auto [it, fresh] = elements_.try_emplace(row.element_id, Element{row.element_name, row.line}); !fresh) {
          return "duplicate element ID '" + row.element_id + "'" + at_line(it->second.line);
        }
        return {};
      },
      [](const ElementRow& row) { return row.element_id; });
}

void Validator::check_scales(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems) {
  filter(
      in, in.scales, out.scales, problems,
      [&](const ScaleRow& row) -> std::string {
        if (row.minimum > row.maximum) {
          return "scale '" + row.scale_id + "' has minimum " + num(row.minimum) + " above maximum " + num(row.maximum);
        }
        if (auto [it, fresh] = scales_.try_emplace(row.scale_id, Scale{row.minimum, row.maximum, row.line}); !fresh) {
          return "duplicate scale ID '" + row.scale_id + "'" + at_line(it->second.line);
        }
        return {};
      },
      [](const ScaleRow& row) { return row.scale_id; });
}

void Validator::check_ratings(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems) {
  auto& seen = keys_[in.table];
  std::string key;
  filter(
      in, in.ratings, out.ratings, problems,
      [&](const RatingRow& row) -> std::string {
        std::string why = occupation_problem(row.code);
        if (why.empty()) why = element_problem(row.element_id, row.element_name);
        if (why.empty()) why = scale_problem(row.scale_id, row.value);
        if (!why.empty()) return why;
        key.clear();
        key.append(row.code).append(1, '\t').append(row.element_id).append(1, '\t').append(row.scale_id);
        return duplicate(seen, key, row.line, [&] { return "(" + row.code + ", " + row.element_id + ", " + row.scale_id + ")"; });
      },
      [](const RatingRow& row) {
        return join({row.code, row.element_id, row.scale_id}, '/');
      });
}

void Validator::check_tasks(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems) {
  auto& seen = keys_[in.table];
  filter(
      in, in.tasks, out.tasks, problems,
      [&](const TaskRow& row) -> std::string {
        if (auto why = occupation_problem(row.code); !why.empty()) return why;
        if (row.task_id <= 0) return "Task ID " + std::to_string(row.task_id) + " is not positive";
        if (row.task.empty()) return "empty Task";
        if (row.incumbents_responding && *row.incumbents_responding < 0) {
          return "Incumbents Responding " + num(*row.incumbents_responding) + " is negative";
        }
        // Task IDs are unique across the release, not only within an occupation.
        return duplicate(seen, std::to_string(row.task_id), row.line, [&] { return "Task ID " + std::to_string(row.task_id); });
      },
      [](const TaskRow& row) { return row.code + "/" + std::to_string(row.task_id); });
}

void Validator::check_alternate_titles(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems) {
  auto& seen = keys_[in.table];
  filter(
      in, in.alternate_titles, out.alternate_titles, problems,
      [&](const AlternateTitleRow& row) -> std::string {
        if (auto why = occupation_problem(row.code); !why.empty()) return why;
        if (row.title.empty()) return "empty Alternate Title";
        // 29.2 lists a few titles twice for one occupation with different short titles
        // (21-1014.00 "Licensed Mental Health Counselor (LMHC)": n/a and "LMHC"), so the short
        // title is part of the key; n/a counts as a value of its own.
        const std::string short_title = row.short_title.value_or("n/a");
        return duplicate(seen, join({row.code, row.title, short_title}, '\t'), row.line,
                         [&] { return "(" + row.code + ", " + row.title + ", " + short_title + ")"; });
      },
      [](const AlternateTitleRow& row) {
        return join({row.code, row.title, row.short_title.value_or("n/a")}, '/');
      });
}

void Validator::check_reported_titles(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems) {
  auto& seen = keys_[in.table];
  filter(
      in, in.reported_titles, out.reported_titles, problems,
      [&](const ReportedTitleRow& row) -> std::string {
        if (auto why = occupation_problem(row.code); !why.empty()) return why;
        if (row.title.empty()) return "empty Reported Job Title";
        return duplicate(seen, join({row.code, row.title}, '\t'), row.line,
                         [&] { return "(" + row.code + ", " + row.title + ")"; });
      },
      [](const ReportedTitleRow& row) {
        return join({row.code, row.title}, '/');
      });
}

void Validator::check_job_zone_reference(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems) {
  filter(
      in, in.job_zone_reference, out.job_zone_reference, problems,
      [&](const JobZoneReferenceRow& row) -> std::string {
        if (row.job_zone < kMinJobZone || row.job_zone > kMaxJobZone) {
          return "job zone " + std::to_string(row.job_zone) + " is outside 1..5";
        }
        if (row.name.empty()) return "empty Name";
        if (auto [it, fresh] = job_zones_.try_emplace(row.job_zone, row.line); !fresh) {
          return "duplicate job zone " + std::to_string(row.job_zone) + at_line(it->second);
        }
        return {};
      },
      [](const JobZoneReferenceRow& row) { return std::to_string(row.job_zone); });
}

void Validator::check_job_zones(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems) {
  auto& seen = keys_[in.table];
  filter(
      in, in.job_zones, out.job_zones, problems,
      [&](const JobZoneRow& row) -> std::string {
        if (auto why = occupation_problem(row.code); !why.empty()) return why;
        if (!job_zones_.count(row.job_zone)) {
          return "job zone " + std::to_string(row.job_zone) + " is not in Job Zone Reference";
        }
        return duplicate(seen, row.code, row.line, [&] { return "O*NET-SOC code '" + row.code + "'"; });
      },
      [](const JobZoneRow& row) { return row.code; });
}

void Validator::check_anchors(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems) {
  auto& seen = keys_[in.table];
  filter(
      in, in.anchors, out.anchors, problems,
      [&](const AnchorRow& row) -> std::string {
        std::string why = element_problem(row.element_id, row.element_name);
        if (why.empty()) why = scale_problem(row.scale_id, row.anchor_value);
        if (!why.empty()) return why;
        const std::string value = num(row.anchor_value);
        return duplicate(seen, join({row.element_id, row.scale_id, value}, '\t'), row.line,
                         [&] { return "(" + row.element_id + ", " + row.scale_id + ", " + value + ")"; });
      },
      [](const AnchorRow& row) {
        return join({row.element_id, row.scale_id, num(row.anchor_value)}, '/');
      });
}

void Validator::check_technologies(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems) {
  auto& seen = keys_[in.table];
  filter(
      in, in.technologies, out.technologies, problems,
      [&](const TechnologyRow& row) -> std::string {
        if (auto why = occupation_problem(row.code); !why.empty()) return why;
        const std::string cc = std::to_string(row.commodity_code);
        if (row.commodity_code < kMinCommodity || row.commodity_code > kMaxCommodity) {
          return "commodity code " + cc + " is not an 8-digit UNSPSC code";
        }
        if (row.example.empty()) return "empty Example";
        // The commodity title belongs to the code (stored once, in technology_commodities).
        if (auto c = commodities_.find(row.commodity_code); c != commodities_.end() && c->second.title != row.commodity_title) {
          return "commodity " + cc + " is titled '" + row.commodity_title + "' here but '" + c->second.title + "' at line " +
                 std::to_string(c->second.line);
        }
        auto why = duplicate(seen, join({row.code, cc, row.example}, '\t'), row.line,
                             [&] { return "(" + row.code + ", " + cc + ", " + row.example + ")"; });
        if (why.empty()) commodities_.try_emplace(row.commodity_code, Commodity{row.commodity_title, row.line});
        return why;
      },
      [](const TechnologyRow& row) {
        return join({row.code, std::to_string(row.commodity_code), row.example}, '/');
      });
}

void Validator::check_ete_categories(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems) {
  auto& seen = keys_[in.table];
  filter(
      in, in.ete_categories, out.ete_categories, problems,
      [&](const EteCategoryRow& row) -> std::string {
        std::string why = element_problem(row.element_id, row.element_name);
        if (!why.empty()) return why;
        if (!scales_.count(row.scale_id)) return "scale '" + row.scale_id + "' is not in Scales Reference";
        const std::string cat = std::to_string(row.category);
        if (row.category < 1) return "category " + cat + " is not positive";
        const std::string key = join({row.element_id, row.scale_id, cat}, '\t');
        why = duplicate(seen, key, row.line, [&] { return "(" + row.element_id + ", " + row.scale_id + ", " + cat + ")"; });
        if (why.empty()) {
          ete_categories_.insert(key);
          ete_categorized_.insert(join({row.element_id, row.scale_id}, '\t'));
        }
        return why;
      },
      [](const EteCategoryRow& row) {
        return join({row.element_id, row.scale_id, std::to_string(row.category)}, '/');
      });
}

void Validator::check_ete(const TableBatch& in, TableBatch& out, std::vector<RowProblem>& problems) {
  auto& seen = keys_[in.table];
  std::string key;
  filter(
      in, in.ete, out.ete, problems,
      [&](const EteRow& row) -> std::string {
        std::string why = occupation_problem(row.code);
        if (why.empty()) why = element_problem(row.element_id, row.element_name);
        if (why.empty() && !scales_.count(row.scale_id)) why = "scale '" + row.scale_id + "' is not in Scales Reference";
        if (!why.empty()) return why;
        const std::string cat = row.category ? std::to_string(row.category) : "n/a";
        const std::string pair = "(" + row.element_id + ", " + row.scale_id + ")";
        if (row.category) {
          if (!ete_categories_.count(join({row.element_id, row.scale_id, cat}, '\t'))) {
            return "category " + cat + " of " + pair + " is not in " + std::string(kEteCategoriesTable);
          }
        } else if (ete_categorized_.count(join({row.element_id, row.scale_id}, '\t'))) {
          return "category n/a, but " + pair + " has categories in " + std::string(kEteCategoriesTable);
        }
        if (why = scale_problem(row.scale_id, row.value); !why.empty()) return why;
        key.clear();
        key.append(row.code).append(1, '\t').append(row.element_id).append(1, '\t').append(row.scale_id);
        key.append(1, '\t').append(cat);
        return duplicate(seen, key, row.line,
                         [&] { return "(" + row.code + ", " + row.element_id + ", " + row.scale_id + ", " + cat + ")"; });
      },
      [](const EteRow& row) {
        return join({row.code, row.element_id, row.scale_id, row.category ? std::to_string(row.category) : "n/a"}, '/');
      });
}

}  // namespace onet
