#include "nodes/gap/transitions_json.hpp"

#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "common/json_text.hpp"

namespace gap {

namespace {

double at4(double v) { return std::round(v * 10000.0) / 10000.0; }

class Writer {
 public:
  explicit Writer(std::string& o) : o_(o) {}
  void key(const char* k) {
    sep();
    o_ += '"';
    o_ += k;
    o_ += "\":";
    fresh_ = true;  // the value follows without a comma
  }
  void str(const char* k, std::string_view v) {
    key(k);
    common::append_json_string(o_, v);
    fresh_ = false;
  }
  void num(const char* k, double v) {
    key(k);
    common::append_json_number(o_, v);
    fresh_ = false;
  }
  void integer(const char* k, long long v) {
    key(k);
    const fmt::format_int f(v);
    o_.append(f.data(), f.size());
    fresh_ = false;
  }
  void boolean(const char* k, bool v) {
    key(k);
    o_ += v ? "true" : "false";
    fresh_ = false;
  }
  void null(const char* k) {
    key(k);
    o_ += "null";
    fresh_ = false;
  }
  void opt_int(const char* k, int v) {  // 0 = unknown
    if (v > 0)
      integer(k, v);
    else
      null(k);
  }
  void open(const char* k, char bracket) {  // "k":{ or "k":[ ; k nullptr inside an array
    if (k)
      key(k);
    else
      sep();
    o_ += bracket;
    fresh_ = true;
  }
  void close(char bracket) {
    o_ += bracket;
    fresh_ = false;
  }

 private:
  void sep() {
    if (!fresh_) o_ += ',';
    fresh_ = false;
  }
  std::string& o_;
  bool fresh_ = true;
};

void gap_json(Writer& w, const TransitionGap& tg) {
  const auto& g = tg.gap;
  w.open(nullptr, '{');
  w.str("element_id", g.element_id);
  w.str("element_name", g.element_name);
  w.str("domain", to_string(tg.domain));
  w.str("scale_id", g.scale_id);
  w.num("from_data_value", g.from_value);
  w.num("to_data_value", g.to_value);
  w.num("gap", g.gap);
  if (g.importance)
    w.num("importance", *g.importance);
  else
    w.null("importance");
  w.boolean("from_missing", g.from_missing);
  w.boolean("estimated", g.estimated);
  w.close('}');
}

std::string tsv_text(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return out;
}

}  // namespace

std::string skill_gap_url(const std::string& from, const std::string& to, Domain domain, std::optional<ValueSource> source) {
  std::string u = "/skill-gap?from=" + from + "&to=" + to;  // codes are NN-NNNN.NN: nothing to escape
  if (domain == Domain::Knowledge) u += "&domain=knowledge";
  if (source) u += "&source=" + std::string(to_string(*source));
  return u;
}

std::string transitions_message(const TransitionResult& r) {
  const auto n = r.transitions.size();
  return "Found " + std::to_string(n) + " transition" + (n == 1 ? "" : "s") + " from '" + r.from->title + "', best first.";
}

void append_transitions_json(std::string& out, const TransitionResult& r, const DatasetVersion& version) {
  const auto& o = r.options;
  const auto domains = domains_of(o.domain);
  Writer w(out);
  w.open(nullptr, '{');
  w.str("from_occupation_code", r.from->code);
  w.str("from_occupation_title", r.from->title);
  w.opt_int("from_job_zone", r.from->job_zone);
  w.str("domain", to_string(o.domain));
  if (version.release.empty())
    w.null("onet_release");
  else
    w.str("onet_release", version.release);
  w.integer("load_run_id", version.load_run_id);
  w.open("options", '{');
  w.integer("limit", static_cast<long long>(o.limit));
  w.str("domain", to_string(o.domain));
  w.str("job_zone", to_string(o.job_zone));
  if (o.max_weighted_gap)
    w.num("max_weighted_gap", *o.max_weighted_gap);
  else
    w.null("max_weighted_gap");
  w.boolean("exclude_group", o.exclude_group);
  w.str("source", o.source ? to_string(*o.source) : std::string_view("auto"));
  w.close('}');
  w.integer("candidates", static_cast<long long>(r.candidates));
  w.integer("count", static_cast<long long>(r.transitions.size()));
  w.open("transitions", '[');
  long long rank = 0;
  for (const auto& t : r.transitions) {
    w.open(nullptr, '{');
    w.integer("rank", ++rank);
    w.str("code", t.to->code);
    w.str("title", t.to->title);
    w.num("score", at4(t.score.score));
    w.open("score_parts", '{');
    w.num("similarity", at4(t.score.similarity));
    w.num("learning", at4(t.score.learning));
    w.num("job_zone", at4(t.score.job_zone));
    w.close('}');
    w.num("similarity", at4(t.score.similarity));
    w.num("text_similarity", at4(t.text_similarity));
    w.num("rating_similarity", at4(t.rating_similarity));
    w.open("job_zone", '{');
    w.opt_int("from", t.from_zone);
    w.opt_int("to", t.to_zone);
    if (t.zone_step)
      w.integer("step", *t.zone_step);
    else
      w.null("step");
    w.close('}');
    w.integer("gap_count", static_cast<long long>(t.gap_count));
    w.num("weighted_gap", t.weighted_gap);
    w.boolean("estimated", t.estimated);
    w.open("top_gaps", '[');
    for (const auto& g : t.top_gaps) gap_json(w, g);
    w.close(']');
    w.str("skill_gap_url", skill_gap_url(r.from->code, t.to->code, domains.front(), o.source));
    if (domains.size() > 1) w.str("knowledge_gap_url", skill_gap_url(r.from->code, t.to->code, Domain::Knowledge, o.source));
    w.close('}');
  }
  w.close(']');
  w.close('}');
}

std::string transitions_tsv_header() {
  return "from_code\tfrom_title\trank\tto_code\tto_title\tscore\tsimilarity\ttext_similarity\trating_similarity\t"
         "learning\tjob_zone_factor\tfrom_job_zone\tto_job_zone\tjob_zone_step\tgap_count\tweighted_gap\testimated\t"
         "top_gaps\n";
}

void append_transitions_tsv(std::string& out, const TransitionResult& r) {
  const std::string from_title = tsv_text(r.from->title);
  auto zone = [](int z) { return z > 0 ? std::to_string(z) : std::string(); };
  long long rank = 0;
  for (const auto& t : r.transitions) {
    std::string gaps;
    for (const auto& g : t.top_gaps)
      fmt::format_to(std::back_inserter(gaps), "{}{}={}", gaps.empty() ? "" : ",", g.gap.element_id, g.gap.gap);
    fmt::format_to(std::back_inserter(out), "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                   r.from->code, from_title, ++rank, t.to->code, tsv_text(t.to->title), at4(t.score.score),
                   at4(t.score.similarity), at4(t.text_similarity), at4(t.rating_similarity), at4(t.score.learning),
                   at4(t.score.job_zone), zone(t.from_zone), zone(t.to_zone),
                   t.zone_step ? std::to_string(*t.zone_step) : std::string(), t.gap_count, t.weighted_gap,
                   t.estimated ? "true" : "false", gaps);
  }
}

}  // namespace gap
