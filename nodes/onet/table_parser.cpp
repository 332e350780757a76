#include "nodes/onet/table_parser.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

namespace onet {

namespace {

constexpr std::size_t kMaxFields = 16;  // more than any shape has; extra fields are only counted

// A bad field or row, caught by the row loop and turned into a throw or a reject.
struct RowFailure {
  std::string reason;
};

std::string shown(std::string_view v) {
  constexpr std::size_t kMax = 60;
  std::string s(v.substr(0, kMax));
  if (v.size() > kMax) s += "...";
  return s;
}

std::string header_text(const std::vector<std::string_view>& cols) {
  std::string s;
  for (const auto& c : cols) {
    if (!s.empty()) s += "<TAB>";
    s += c;
  }
  return s;
}

struct Fields {
  std::string_view f[kMaxFields];
  std::size_t count = 0;
};

void split(std::string_view text, Fields& out) {
  out.count = 0;
  const char* p = text.data();
  const char* e = p + text.size();
  for (;;) {
    const void* t = std::memchr(p, '\t', static_cast<std::size_t>(e - p));
    const char* end = t ? static_cast<const char*>(t) : e;
    if (out.count < kMaxFields) out.f[out.count] = std::string_view(p, static_cast<std::size_t>(end - p));
    ++out.count;
    if (!t) break;
    p = end + 1;
  }
}

bool is_na(std::string_view v) { return v == "n/a"; }

double to_double(std::string_view v, std::string_view column) {
  double d = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (v.empty() || ec != std::errc{} || ptr != v.data() + v.size() || !std::isfinite(d)) {
    throw RowFailure{"column '" + std::string(column) + "': '" + shown(v) + "' is not a number"};
  }
  return d;
}

double required_double(std::string_view v, std::string_view column) {
  if (is_na(v)) throw RowFailure{"column '" + std::string(column) + "' is n/a but a value is required"};
  return to_double(v, column);
}

std::optional<double> optional_double(std::string_view v, std::string_view column) {
  if (is_na(v)) return std::nullopt;
  return to_double(v, column);
}

std::optional<std::int64_t> optional_int(std::string_view v, std::string_view column) {
  if (is_na(v)) return std::nullopt;
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc{} || ptr != v.data() + v.size()) {
    throw RowFailure{"column '" + std::string(column) + "': '" + shown(v) + "' is not an integer"};
  }
  return n;
}

std::optional<char> optional_flag(std::string_view v, std::string_view column) {
  if (v == "Y" || v == "N") return v[0];
  if (is_na(v)) return std::nullopt;
  throw RowFailure{"column '" + std::string(column) + "': '" + shown(v) + "' is not Y, N or n/a"};
}

// Hot Technology, In Demand, Shown in My Next Move: always Y or N in O*NET, never n/a.
bool required_flag(std::string_view v, std::string_view column) {
  if (v == "Y") return true;
  if (v == "N") return false;
  throw RowFailure{"column '" + std::string(column) + "': '" + shown(v) + "' is not Y or N"};
}

template <class Int>
Int required_int(std::string_view v, std::string_view column) {
  if (is_na(v)) throw RowFailure{"column '" + std::string(column) + "' is n/a but a value is required"};
  Int n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc{} || ptr != v.data() + v.size()) {
    throw RowFailure{"column '" + std::string(column) + "': '" + shown(v) + "' is not an integer"};
  }
  return n;
}

std::optional<std::string> optional_text(std::string_view v) {
  if (is_na(v)) return std::nullopt;
  return std::string(v);
}

// Task Type: O*NET leaves it n/a on tasks that were not rated by incumbents.
std::optional<std::string> task_type(std::string_view v, std::string_view column) {
  if (v == "Core" || v == "Supplemental") return std::string(v);
  if (is_na(v)) return std::nullopt;
  throw RowFailure{"column '" + std::string(column) + "': '" + shown(v) + "' is not Core, Supplemental or n/a"};
}

// ETE Category: 1, 2, ... on the category scales (RL, RW, PT, OJ); n/a on IM rows (0 in the row).
int ete_category(std::string_view v, std::string_view column) {
  if (is_na(v)) return 0;
  int n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc{} || ptr != v.data() + v.size() || n < 1) {
    throw RowFailure{"column '" + std::string(column) + "': '" + shown(v) + "' is not a positive integer or n/a"};
  }
  return n;
}

// Identifying fields of a (possibly malformed) row for the rejects file.
std::string key_of(Shape shape, const Fields& f) {
  std::string key;
  auto add = [&](std::size_t i) {
    if (i >= f.count || i >= kMaxFields) return;
    if (!key.empty()) key += '/';
    key += shown(f.f[i]);
  };
  // The same fields as the validator's keys (validator.cpp), so a rejects file reads alike.
  switch (shape) {
    case Shape::Occupation:
    case Shape::Element:
    case Shape::Scale:
    case Shape::JobZone:
    case Shape::JobZoneReference:
      add(0);
      break;
    case Shape::Rating:
      add(0), add(1), add(3);
      break;
    case Shape::Task:
    case Shape::ReportedTitle:
      add(0), add(1);
      break;
    case Shape::AlternateTitle:
      add(0), add(1), add(2);
      break;
    case Shape::Anchor:
      add(0), add(2), add(3);
      break;
    case Shape::Technology:
      add(0), add(2), add(1);
      break;
    case Shape::Ete:
      add(0), add(1), add(3), add(4);
      break;
    case Shape::EteCategory:
      add(0), add(2), add(3);
      break;
  }
  std::replace(key.begin(), key.end(), '\r', ' ');
  return key;
}

}  // namespace

ParseError::ParseError(std::string file, std::uint32_t line, std::string reason)
    : std::runtime_error(line ? file + ":" + std::to_string(line) + ": " + reason : file + ": " + reason),
      file_(std::move(file)),
      line_(line),
      reason_(std::move(reason)) {}

TableParser::TableParser(std::string content, std::string table, Shape shape, OnBadRow policy)
    : content_(std::move(content)), table_(std::move(table)), file_(file_name_of(table_)), shape_(shape), policy_(policy) {
  if (content_.size() >= 3 && content_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;
  if (pos_ == content_.size()) {
    throw ParseError(file_, 0, "file is empty (expected the header line " + header_text(columns(shape_)) + ")");
  }
  // The header's ending sets the convention for the whole file.
  const std::string_view text(content_);
  const std::size_t nl = text.find('\n', pos_);
  crlf_ = nl != std::string_view::npos && nl > pos_ && text[nl - 1] == '\r';
  Line header;
  next_line(header);
  check_header(header.text);
}

bool TableParser::next_line(Line& out) {
  if (pos_ >= content_.size()) return false;
  const std::string_view content(content_);
  const std::size_t nl = content.find('\n', pos_);  // memchr underneath
  ++line_no_;
  if (nl == std::string_view::npos) {
    std::string_view text = content.substr(pos_);
    // Cut between CR and LF: the CR is still this line's ending, not data.
    if (crlf_ && !text.empty() && text.back() == '\r') text.remove_suffix(1);
    out = {text, false};
    pos_ = content_.size();
    return true;
  }
  const bool has_cr = nl > pos_ && content[nl - 1] == '\r';
  if (has_cr != crlf_) {
    throw ParseError(file_, line_no_,
                     std::string("mixed line endings: this line ends with ") + (has_cr ? "CRLF" : "LF") + ", line 1 with " +
                         (crlf_ ? "CRLF" : "LF"));
  }
  out = {content.substr(pos_, nl - pos_ - (has_cr ? 1 : 0)), true};
  pos_ = nl + 1;
  return true;
}

void TableParser::check_header(std::string_view header) {
  const auto& want = columns(shape_);
  if (header.empty()) {
    throw ParseError(file_, 1, "header line is empty (expected " + header_text(want) + ")");
  }
  std::vector<std::string_view> got;
  for (std::size_t p = 0;;) {
    auto t = header.find('\t', p);
    got.push_back(header.substr(p, t == std::string_view::npos ? std::string_view::npos : t - p));
    if (t == std::string_view::npos) break;
    p = t + 1;
  }
  if (got == want) return;
  auto contains = [](const std::vector<std::string_view>& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  std::string_view missing, extra;
  std::size_t extra_pos = 0;
  for (auto w : want) {
    if (!contains(got, w)) {
      missing = w;
      break;
    }
  }
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (!contains(want, got[i])) {
      extra = got[i];
      extra_pos = i + 1;
      break;
    }
  }
  const std::string counts = " (" + std::to_string(got.size()) + " columns, expected " + std::to_string(want.size()) + ")";
  if (!missing.empty() && extra.empty()) {
    throw ParseError(file_, 1, "header lacks column '" + std::string(missing) + "'" + counts);
  }
  if (missing.empty() && !extra.empty()) {
    throw ParseError(file_, 1, "header has unexpected column " + std::to_string(extra_pos) + " '" + shown(extra) + "'" + counts);
  }
  // Renamed or reordered (or a duplicated name): name the first column that differs.
  for (std::size_t i = 0; i < std::max(got.size(), want.size()); ++i) {
    if (i >= got.size()) {
      throw ParseError(file_, 1, "header lacks column '" + std::string(want[i]) + "'" + counts);
    }
    if (i >= want.size()) {
      throw ParseError(file_, 1, "header has unexpected column " + std::to_string(i + 1) + " '" + shown(got[i]) + "'" + counts);
    }
    if (got[i] != want[i]) {
      throw ParseError(
          file_, 1,
          "header column " + std::to_string(i + 1) + " is '" + shown(got[i]) + "', expected '" + std::string(want[i]) + "'");
    }
  }
}

void TableParser::parse_row(std::string_view text, bool terminated, TableBatch& batch) {
  Fields f;
  split(text, f);
  const auto& cols = columns(shape_);
  const std::size_t want = cols.size();
  if (f.count != want) {
    if (!terminated && f.count < want) {
      // Not skippable: a file cut in the middle of a row may be missing any number of rows.
      throw ParseError(file_, line_no_,
                       "truncated last line: " + std::to_string(f.count) + " of " + std::to_string(want) +
                           " fields and no line ending (file cut short?)");
    }
    std::string reason = text.empty()
                             ? "empty line (expected " + std::to_string(want) + " fields)"
                             : "wrong field count: " + std::to_string(f.count) + " fields, expected " + std::to_string(want);
    throw RowFailure{std::move(reason)};
  }
  const std::uint32_t line = line_no_;
  switch (shape_) {
    case Shape::Occupation:
      batch.occupations.push_back(OccupationRow{std::string(f.f[0]), std::string(f.f[1]), std::string(f.f[2]), line});
      break;
    case Shape::Element:
      batch.elements.push_back(ElementRow{std::string(f.f[0]), std::string(f.f[1]), std::string(f.f[2]), line});
      break;
    case Shape::Scale: {
      ScaleRow r;
      r.minimum = required_double(f.f[2], cols[2]);
      r.maximum = required_double(f.f[3], cols[3]);
      r.scale_id = f.f[0];
      r.scale_name = f.f[1];
      r.line = line;
      batch.scales.push_back(std::move(r));
      break;
    }
    case Shape::Rating: {
      // Typed fields first, so a failing row allocates nothing.
      RatingRow r;
      r.value = required_double(f.f[4], cols[4]);
      r.n = optional_int(f.f[5], cols[5]);
      r.standard_error = optional_double(f.f[6], cols[6]);
      r.lower_ci = optional_double(f.f[7], cols[7]);
      r.upper_ci = optional_double(f.f[8], cols[8]);
      r.recommend_suppress = optional_flag(f.f[9], cols[9]);
      r.not_relevant = optional_flag(f.f[10], cols[10]);
      r.code = f.f[0];
      r.element_id = f.f[1];
      r.element_name = f.f[2];
      r.scale_id = f.f[3];
      r.date = f.f[11];
      r.domain_source = f.f[12];
      r.line = line;
      batch.ratings.push_back(std::move(r));
      break;
    }
    case Shape::Task: {
      TaskRow r;
      r.task_id = required_int<std::int64_t>(f.f[1], cols[1]);
      r.task_type = task_type(f.f[3], cols[3]);
      r.incumbents_responding = optional_double(f.f[4], cols[4]);
      r.code = f.f[0];
      r.task = f.f[2];
      r.date = f.f[5];
      r.domain_source = f.f[6];
      r.line = line;
      batch.tasks.push_back(std::move(r));
      break;
    }
    case Shape::AlternateTitle:
      batch.alternate_titles.push_back(
          AlternateTitleRow{std::string(f.f[0]), std::string(f.f[1]), optional_text(f.f[2]), std::string(f.f[3]), line});
      break;
    case Shape::ReportedTitle: {
      const bool shown_flag = required_flag(f.f[2], cols[2]);
      batch.reported_titles.push_back(ReportedTitleRow{std::string(f.f[0]), std::string(f.f[1]), shown_flag, line});
      break;
    }
    case Shape::JobZone: {
      JobZoneRow r;
      r.job_zone = required_int<int>(f.f[1], cols[1]);
      r.code = f.f[0];
      r.date = f.f[2];
      r.domain_source = f.f[3];
      r.line = line;
      batch.job_zones.push_back(std::move(r));
      break;
    }
    case Shape::JobZoneReference: {
      JobZoneReferenceRow r;
      r.job_zone = required_int<int>(f.f[0], cols[0]);
      r.name = f.f[1];
      r.experience = f.f[2];
      r.education = f.f[3];
      r.job_training = f.f[4];
      r.examples = f.f[5];
      r.svp_range = f.f[6];
      r.line = line;
      batch.job_zone_reference.push_back(std::move(r));
      break;
    }
    case Shape::Anchor: {
      AnchorRow r;
      r.anchor_value = required_double(f.f[3], cols[3]);
      r.element_id = f.f[0];
      r.element_name = f.f[1];
      r.scale_id = f.f[2];
      r.description = f.f[4];
      r.line = line;
      batch.anchors.push_back(std::move(r));
      break;
    }
    case Shape::Technology: {
      TechnologyRow r;
      r.commodity_code = required_int<std::int64_t>(f.f[2], cols[2]);
      r.hot = required_flag(f.f[4], cols[4]);
      r.in_demand = required_flag(f.f[5], cols[5]);
      r.code = f.f[0];
      r.example = f.f[1];
      r.commodity_title = f.f[3];
      r.line = line;
      batch.technologies.push_back(std::move(r));
      break;
    }
    case Shape::Ete: {
      EteRow r;
      r.category = ete_category(f.f[4], cols[4]);
      r.value = required_double(f.f[5], cols[5]);
      r.n = optional_int(f.f[6], cols[6]);
      r.standard_error = optional_double(f.f[7], cols[7]);
      r.lower_ci = optional_double(f.f[8], cols[8]);
      r.upper_ci = optional_double(f.f[9], cols[9]);
      r.recommend_suppress = optional_flag(f.f[10], cols[10]);
      r.code = f.f[0];
      r.element_id = f.f[1];
      r.element_name = f.f[2];
      r.scale_id = f.f[3];
      r.date = f.f[11];
      r.domain_source = f.f[12];
      r.line = line;
      batch.ete.push_back(std::move(r));
      break;
    }
    case Shape::EteCategory: {
      EteCategoryRow r;
      r.category = required_int<int>(f.f[3], cols[3]);
      r.element_id = f.f[0];
      r.element_name = f.f[1];
      r.scale_id = f.f[2];
      r.description = f.f[4];
      r.line = line;
      batch.ete_categories.push_back(std::move(r));
      break;
    }
  }
}

std::shared_ptr<TableBatch> TableParser::next(std::size_t max_rows) {
  if (finished_) return nullptr;
  if (max_rows == 0) max_rows = 1;
  auto batch = std::make_shared<TableBatch>();
  batch->table = table_;
  batch->file = file_;
  const std::size_t small = std::min<std::size_t>(max_rows, 4096), large = std::min<std::size_t>(max_rows, 65536);
  switch (shape_) {
    case Shape::Occupation:
      batch->occupations.reserve(small);
      break;
    case Shape::Element:
      batch->elements.reserve(small);
      break;
    case Shape::Scale:
      batch->scales.reserve(std::min<std::size_t>(max_rows, 256));
      break;
    case Shape::Rating:
      batch->ratings.reserve(large);
      break;
    case Shape::Task:
      batch->tasks.reserve(large);
      break;
    case Shape::AlternateTitle:
      batch->alternate_titles.reserve(large);
      break;
    case Shape::ReportedTitle:
      batch->reported_titles.reserve(small);
      break;
    case Shape::JobZone:
      batch->job_zones.reserve(small);
      break;
    case Shape::JobZoneReference:
      batch->job_zone_reference.reserve(std::min<std::size_t>(max_rows, 16));
      break;
    case Shape::Anchor:
      batch->anchors.reserve(small);
      break;
    case Shape::Technology:
      batch->technologies.reserve(large);
      break;
    case Shape::Ete:
      batch->ete.reserve(large);
      break;
    case Shape::EteCategory:
      batch->ete_categories.reserve(std::min<std::size_t>(max_rows, 256));
      break;
  }
  Line line;
  while (batch->rows() < max_rows) {
    if (!next_line(line)) {
      finished_ = true;
      break;
    }
    try {
      parse_row(line.text, line.terminated, *batch);
      ++rows_read_;
    } catch (RowFailure& bad) {
      if (policy_ == OnBadRow::Fail) throw ParseError(file_, line_no_, std::move(bad.reason));
      Fields f;
      split(line.text, f);
      batch->rejects.push_back(RowProblem{file_, line_no_, std::move(bad.reason), key_of(shape_, f)});
      ++rows_rejected_;
    }
  }
  if (!finished_ && pos_ >= content_.size()) finished_ = true;
  batch->last = finished_;
  return batch;
}

std::shared_ptr<TableBatch> parse_table(std::string content, std::string table, OnBadRow policy) {
  auto shape = shape_of(table);
  if (!shape) throw std::invalid_argument("unknown O*NET table '" + table + "'");
  TableParser parser(std::move(content), std::move(table), *shape, policy);
  auto all = parser.next(static_cast<std::size_t>(-1));
  return all;
}

}  // namespace onet
