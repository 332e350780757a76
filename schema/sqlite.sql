-- O*NET skill-gap store, SQLite dialect. Applied by the load node (idempotent: IF NOT EXISTS);
-- schema_version records the migration level. Keep in step with schema/mysql.sql.
-- Compiled into the program (nodes/sql/embed_schema.cmake); foreign_keys is switched on per
-- connection by sqldb::open_session. Text comparison is binary, as in mysql.sql (utf8mb4_bin).

CREATE TABLE IF NOT EXISTS schema_version (
  version     INTEGER NOT NULL PRIMARY KEY,
  applied_at  TEXT    NOT NULL
);

-- One row per pipeline load (ETL or LLM enrichment), the dataset's history and audit trail.
CREATE TABLE IF NOT EXISTS load_runs (
  run_id           INTEGER PRIMARY KEY AUTOINCREMENT,
  pipeline         TEXT    NOT NULL,
  onet_release     TEXT    NOT NULL,         -- e.g. "29.2"
  source           TEXT    NOT NULL,         -- folder, zip path or URL (no credentials)
  source_checksum  TEXT,                     -- sha256 of the zip, or of the table files
  started_at       TEXT    NOT NULL,         -- ISO-8601 UTC
  finished_at      TEXT,
  status           TEXT    NOT NULL CHECK (status IN ('running','completed','failed')),
  occupations      INTEGER NOT NULL DEFAULT 0,
  elements         INTEGER NOT NULL DEFAULT 0,
  scales           INTEGER NOT NULL DEFAULT 0,
  ratings          INTEGER NOT NULL DEFAULT 0,
  rejected         INTEGER NOT NULL DEFAULT 0,
  llm_summary      TEXT,                     -- JSON: provider, model, calibration fit, MAE/bias/r
  message          TEXT
);

CREATE TABLE IF NOT EXISTS scales (
  scale_id    TEXT    NOT NULL PRIMARY KEY,  -- "IM", "LV", ...
  scale_name  TEXT    NOT NULL,
  minimum     REAL    NOT NULL,
  maximum     REAL    NOT NULL
);

-- Content Model Reference: every element (skills 2.A/2.B, knowledge 2.C, abilities 1.A, ...).
CREATE TABLE IF NOT EXISTS content_elements (
  element_id    TEXT NOT NULL PRIMARY KEY,   -- "2.B.3.e"
  element_name  TEXT NOT NULL,
  description   TEXT NOT NULL,
  domain        TEXT NOT NULL                -- skills | knowledge | abilities | other
);

CREATE TABLE IF NOT EXISTS occupations (
  onetsoc_code  TEXT NOT NULL PRIMARY KEY,   -- "15-1251.00"
  title         TEXT NOT NULL,
  description   TEXT NOT NULL,
  source        TEXT NOT NULL DEFAULT 'file' CHECK (source IN ('file','onet_api')),
  load_run_id   INTEGER REFERENCES load_runs(run_id)
);
CREATE INDEX IF NOT EXISTS ix_occupations_title ON occupations(title);

-- Skills.txt / Knowledge.txt / Abilities.txt rows, plus the LLM's estimate and the refined
-- value. O*NET's own columns are never overwritten by enrichment. Rows of occupations O*NET
-- does not rate are LLM-only: data_value NULL, value_source 'llm'.
CREATE TABLE IF NOT EXISTS occupation_ratings (
  onetsoc_code        TEXT    NOT NULL REFERENCES occupations(onetsoc_code),
  element_id          TEXT    NOT NULL REFERENCES content_elements(element_id),
  scale_id            TEXT    NOT NULL REFERENCES scales(scale_id),
  data_value          REAL,
  n                   INTEGER,
  standard_error      REAL,
  lower_ci_bound      REAL,
  upper_ci_bound      REAL,
  recommend_suppress  TEXT,                -- 'Y' | 'N' | NULL (n/a)
  not_relevant        TEXT,                -- 'Y' | 'N' | NULL (n/a; always on IM rows)
  date_updated        TEXT,                -- "MM/YYYY" as published
  domain_source       TEXT,
  llm_value           REAL,                -- calibrated LLM estimate (LV scale)
  refined_value       REAL,                -- precision-weighted blend, or the LLM value alone
  value_source        TEXT    NOT NULL DEFAULT 'file' CHECK (value_source IN ('file','onet_api','llm')),
  load_run_id         INTEGER REFERENCES load_runs(run_id),
  PRIMARY KEY (onetsoc_code, element_id, scale_id)
) WITHOUT ROWID;  -- rows live in the primary-key b-tree: one index less to write and read
CREATE INDEX IF NOT EXISTS ix_ratings_element ON occupation_ratings(element_id, scale_id);

-- Every LLM answer, kept whole (one row per occupation x element x run).
CREATE TABLE IF NOT EXISTS llm_assessments (
  assessment_id      INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id             INTEGER REFERENCES load_runs(run_id),
  onetsoc_code       TEXT    NOT NULL,
  element_id         TEXT    NOT NULL,
  provider           TEXT    NOT NULL,
  model              TEXT    NOT NULL,
  prompt_version     TEXT    NOT NULL,
  prompt_hash        TEXT    NOT NULL,
  raw_level          REAL,
  calibrated_level   REAL,
  justification      TEXT,
  raw_response       TEXT,
  latency_ms         INTEGER,
  prompt_tokens      INTEGER,
  completion_tokens  INTEGER,
  status             TEXT    NOT NULL,     -- ok | failed
  created_at         TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_llm_lookup ON llm_assessments(onetsoc_code, provider, model, prompt_hash);
