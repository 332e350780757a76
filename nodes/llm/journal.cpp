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

std::map<std::string, std::map<std::string, CachedAnswer>> Journal::load(
    const std::map<std::string, std::string>& hash_by_code) {
  std::lock_guard lock(mu_);
  std::map<std::string, std::map<std::string, CachedAnswer>> out;
  try {
    std::string code, element, hash, justification;
    double level = 0;
    soci::indicator level_ind = soci::i_ok, just_ind = soci::i_ok;
    const std::string version = kPromptVersion;
    soci::statement st =
        (s_->prepare << "SELECT onetsoc_code, element_id, prompt_hash, raw_level, justification "
                        "FROM llm_assessments WHERE provider = :p AND model = :m AND prompt_version = :v "
                        "AND status = 'ok' ORDER BY assessment_id",
         soci::into(code), soci::into(element), soci::into(hash), soci::into(level, level_ind),
         soci::into(justification, just_ind), soci::use(provider_), soci::use(model_), soci::use(version));
    st.execute();
    while (st.fetch()) {
      auto h = hash_by_code.find(code);
      if (h == hash_by_code.end() || h->second != hash || level_ind != soci::i_ok) continue;
      out[code][element] = CachedAnswer{level, just_ind == soci::i_ok ? justification : std::string()};
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
         soci::use(r.prompt_hash), soci::use(level, level_i), soci::use(r.justification),
         soci::use(r.raw_response), soci::use(latency, latency_i), soci::use(pt, pt_i), soci::use(ct, ct_i),
         soci::use(r.status), soci::use(r.created_at));
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

void Journal::set_calibrated(const std::vector<CalibratedLevel>& levels) {
  if (levels.empty()) return;
  std::lock_guard lock(mu_);
  try {
    soci::transaction tx(*s_);
    CalibratedLevel c;
    const std::string version = kPromptVersion;
    soci::statement st =
        (s_->prepare << "UPDATE llm_assessments SET calibrated_level = :l WHERE onetsoc_code = :c AND "
                        "provider = :p AND model = :m AND prompt_hash = :h AND element_id = :e AND "
                        "prompt_version = :v AND status = 'ok'",
         soci::use(c.level), soci::use(c.code), soci::use(provider_), soci::use(model_), soci::use(c.prompt_hash),
         soci::use(c.element_id), soci::use(version));
    for (const auto& l : levels) {
      c = l;
      st.execute(true);
    }
    tx.commit();
  } catch (const std::exception& e) {
    fail(e, "storing calibrated levels");
  }
}

}  // namespace llm
