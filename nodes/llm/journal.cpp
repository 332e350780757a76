#include "nodes/llm/journal.hpp"

#include <soci/soci.h>

#include "nodes/llm/types.hpp"

namespace llm {

Journal::Journal(const std::string& url, std::string provider, std::string model)
    : provider_(std::move(provider)), model_(std::move(model)) {
  try {
    url_ = sqldb::DatabaseUrl::parse(url);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("parameter 'cache': ") + e.what());
  }
  try {
    s_ = sqldb::open_session(url_);
    if (url_.dialect == sqldb::Dialect::SQLite) {
      // WAL + NORMAL: a commit survives a crash of this process (the journal's purpose) without
      // an fsync per occupation.
      *s_ << "PRAGMA synchronous = NORMAL";
    }
    sqldb::ensure_schema(*s_, url_.dialect);
  } catch (const sqldb::DatabaseUnavailable&) {
    throw;
  } catch (const std::exception& e) {
    fail(e, "opening the LLM answer cache");
  }
}

Journal::~Journal() = default;

void Journal::fail(const std::exception& e, const std::string& doing) const {
  std::string msg = url_.scrub(e.what());
  if (const auto* se = dynamic_cast<const soci::soci_error*>(&e)) msg = url_.scrub(se->get_error_message());
  msg = doing + " in " + url_.redacted + ": " + msg;
  if (sqldb::is_unavailable_error(e)) throw sqldb::DatabaseUnavailable(msg);
  throw std::runtime_error(msg);
}

Journal::Cache Journal::load() {
  std::lock_guard lock(mu_);
  Cache out;
  try {
    std::string code, element, hash, justification;
    double level = 0, calibrated = 0;
    soci::indicator level_ind = soci::i_ok, just_ind = soci::i_ok, cal_ind = soci::i_ok;
    const std::string version = kPromptVersion;
    soci::statement st =
        (s_->prepare << "SELECT onetsoc_code, element_id, prompt_hash, raw_level, justification, calibrated_level "
                        "FROM llm_assessments WHERE provider = :p AND model = :m AND prompt_version = :v "
                        "AND status = 'ok' ORDER BY assessment_id",
         soci::into(code), soci::into(element), soci::into(hash), soci::into(level, level_ind),
         soci::into(justification, just_ind), soci::into(calibrated, cal_ind), soci::use(provider_), soci::use(model_),
         soci::use(version));
    st.execute();
    while (st.fetch()) {
      if (level_ind != soci::i_ok) continue;
      out[{code, hash}][element] = CachedAnswer{level, just_ind == soci::i_ok ? justification : std::string(),
                                                cal_ind == soci::i_ok ? std::optional<double>(calibrated) : std::nullopt};
    }
  } catch (const std::exception& e) {
    fail(e, "reading cached LLM answers");
  }
  return out;
}

void Journal::write(const std::vector<JournalRow>& rows) {
  if (rows.empty()) return;
  std::lock_guard lock(mu_);
  try {
    soci::transaction tx(*s_);
    JournalRow r;
    double level = 0;
    long long latency = 0, pt = 0, ct = 0;
    soci::indicator level_i = soci::i_null, latency_i = soci::i_null, pt_i = soci::i_null, ct_i = soci::i_null;
    const std::string version = kPromptVersion;
    soci::statement st =
        (s_->prepare << "INSERT INTO llm_assessments (onetsoc_code, element_id, provider, model, prompt_version, "
                        "prompt_hash, raw_level, justification, raw_response, latency_ms, prompt_tokens, "
                        "completion_tokens, status, created_at) VALUES (:c, :e, :p, :m, :v, :h, :l, :j, :r, "
                        ":lat, :pt, :ct, :s, :t)",
         soci::use(r.code), soci::use(r.element_id), soci::use(provider_), soci::use(model_), soci::use(version),
         soci::use(r.prompt_hash), soci::use(level, level_i), soci::use(r.justification), soci::use(r.raw_response),
         soci::use(latency, latency_i), soci::use(pt, pt_i), soci::use(ct, ct_i), soci::use(r.status), soci::use(r.created_at));
    for (const auto& row : rows) {
      r = row;
      level = row.raw_level.value_or(0);
      level_i = row.raw_level ? soci::i_ok : soci::i_null;
      latency = row.latency_ms.value_or(0);
      latency_i = row.latency_ms ? soci::i_ok : soci::i_null;
      pt = row.prompt_tokens.value_or(0);
      pt_i = row.prompt_tokens ? soci::i_ok : soci::i_null;
      ct = row.completion_tokens.value_or(0);
      ct_i = row.completion_tokens ? soci::i_ok : soci::i_null;
      st.execute(true);
    }
    tx.commit();
  } catch (const std::exception& e) {
    fail(e, "journaling LLM answers");
  }
}

void Journal::set_calibrated(double slope, double intercept, double lo, double hi,
                             const std::vector<std::pair<std::string, std::string>>& code_hash) {
  if (code_hash.empty()) return;
  std::lock_guard lock(mu_);
  try {
    // Vectors for every bound value (SOCI binds all-vector or all-scalar): the statement runs
    // once per occupation, in one transaction.
    const std::size_t n = code_hash.size();
    std::vector<std::string> code, hash, provider(n, provider_), model(n, model_), version(n, kPromptVersion);
    for (const auto& [c, h] : code_hash) {
      code.push_back(c);
      hash.push_back(h);
    }
    std::vector<double> a(n, slope), b(n, intercept), lo1(n, lo), lo2(n, lo), hi1(n, hi), hi2(n, hi);
    std::vector<double> b2(n, intercept), a2(n, slope), b3(n, intercept), a3(n, slope);
    soci::transaction tx(*s_);
    // Portable clamp (SQLite has no GREATEST/LEAST); the same double arithmetic as values.cpp.
    *s_ << "UPDATE llm_assessments SET calibrated_level = CASE "
           "WHEN :b1 + :a1 * raw_level < :lo1 THEN :lo2 WHEN :b2 + :a2 * raw_level > :hi1 THEN :hi2 "
           "ELSE :b3 + :a3 * raw_level END "
           "WHERE onetsoc_code = :c AND provider = :p AND model = :m AND prompt_hash = :h AND "
           "prompt_version = :v AND status = 'ok'",
        soci::use(b), soci::use(a), soci::use(lo1), soci::use(lo2), soci::use(b2), soci::use(a2), soci::use(hi1), soci::use(hi2),
        soci::use(b3), soci::use(a3), soci::use(code), soci::use(provider), soci::use(model), soci::use(hash), soci::use(version);
    tx.commit();
  } catch (const std::exception& e) {
    fail(e, "storing calibrated levels");
  }
}

}  // namespace llm
