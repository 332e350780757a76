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
  -- Rows in the tables of schema version 2 after the load (0 when the release lacks a table).
  -- A version-1 database gets them by ALTER TABLE (sqldb::ensure_schema).
  task_statements         INTEGER NOT NULL DEFAULT 0,
  alternate_titles        INTEGER NOT NULL DEFAULT 0,
  reported_titles         INTEGER NOT NULL DEFAULT 0,
  job_zones               INTEGER NOT NULL DEFAULT 0,
  job_zone_reference      INTEGER NOT NULL DEFAULT 0,
  level_scale_anchors     INTEGER NOT NULL DEFAULT 0,
  technology_skills       INTEGER NOT NULL DEFAULT 0,
  technology_commodities  INTEGER NOT NULL DEFAULT 0,
  ete_ratings             INTEGER NOT NULL DEFAULT 0,
  ete_categories          INTEGER NOT NULL DEFAULT 0,
  llm_summary      TEXT,                     -- JSON: provider, model, calibration fit, MAE/bias/r
  estimate_summary TEXT,                     -- JSON: text_estimate parameters and leave-one-out validation
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

-- Schema version 2: the descriptive tables of O*NET's text release. Like the four tables
-- above they are replaced by every load; n/a is NULL.

-- Task Statements.txt. Task IDs are unique across the release.
CREATE TABLE IF NOT EXISTS task_statements (
  task_id                INTEGER NOT NULL PRIMARY KEY,
  onetsoc_code           TEXT    NOT NULL REFERENCES occupations(onetsoc_code),
  task                   TEXT    NOT NULL,
  task_type              TEXT    CHECK (task_type IN ('Core','Supplemental')),  -- NULL: n/a
  incumbents_responding  REAL,
  date_updated           TEXT,   -- "MM/YYYY"
  domain_source          TEXT
);
CREATE INDEX IF NOT EXISTS ix_tasks_code ON task_statements(onetsoc_code);

-- Alternate Titles.txt. A title may appear twice for one occupation with different short
-- titles (29.2: 21-1014.00), so the key includes the short title; NULLs are distinct in a
-- unique index, so onet_validate enforces the key for rows without one.
CREATE TABLE IF NOT EXISTS alternate_titles (
  onetsoc_code     TEXT NOT NULL REFERENCES occupations(onetsoc_code),
  alternate_title  TEXT NOT NULL,
  short_title      TEXT,           -- "RN"; NULL: n/a
  sources          TEXT NOT NULL   -- O*NET's source codes, e.g. "04,06"
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_alternate_titles ON alternate_titles(onetsoc_code, alternate_title, short_title);
CREATE INDEX IF NOT EXISTS ix_alternate_titles_title ON alternate_titles(alternate_title);

-- Sample of Reported Titles.txt.
CREATE TABLE IF NOT EXISTS reported_titles (
  onetsoc_code           TEXT NOT NULL REFERENCES occupations(onetsoc_code),
  reported_title         TEXT NOT NULL,
  shown_in_my_next_move  TEXT NOT NULL CHECK (shown_in_my_next_move IN ('Y','N')),
  PRIMARY KEY (onetsoc_code, reported_title)
);

-- Job Zone Reference.txt: what each of O*NET's five job zones means.
CREATE TABLE IF NOT EXISTS job_zone_reference (
  job_zone      INTEGER NOT NULL PRIMARY KEY CHECK (job_zone BETWEEN 1 AND 5),
  name          TEXT NOT NULL,
  experience    TEXT NOT NULL,
  education     TEXT NOT NULL,
  job_training  TEXT NOT NULL,
  examples      TEXT NOT NULL,
  svp_range     TEXT NOT NULL
);

-- Job Zones.txt: one zone per occupation.
CREATE TABLE IF NOT EXISTS job_zones (
  onetsoc_code   TEXT    NOT NULL PRIMARY KEY REFERENCES occupations(onetsoc_code),
  job_zone       INTEGER NOT NULL REFERENCES job_zone_reference(job_zone),
  date_updated   TEXT,
  domain_source  TEXT
);

-- Level Scale Anchors.txt: what a level means, at a few points of an element's scale.
CREATE TABLE IF NOT EXISTS level_scale_anchors (
  element_id          TEXT NOT NULL REFERENCES content_elements(element_id),
  scale_id            TEXT NOT NULL REFERENCES scales(scale_id),
  anchor_value        REAL NOT NULL,
  anchor_description  TEXT NOT NULL,
  PRIMARY KEY (element_id, scale_id, anchor_value)
);

-- Technology Skills.txt, normalized: the commodity title depends on the code alone.
CREATE TABLE IF NOT EXISTS technology_commodities (
  commodity_code   INTEGER NOT NULL PRIMARY KEY,  -- 8-digit UNSPSC code
  commodity_title  TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS technology_skills (
  onetsoc_code    TEXT    NOT NULL REFERENCES occupations(onetsoc_code),
  commodity_code  INTEGER NOT NULL REFERENCES technology_commodities(commodity_code),
  example         TEXT    NOT NULL,
  hot_technology  TEXT    NOT NULL CHECK (hot_technology IN ('Y','N')),
  in_demand       TEXT    NOT NULL CHECK (in_demand IN ('Y','N')),
  PRIMARY KEY (onetsoc_code, commodity_code, example)
);
CREATE INDEX IF NOT EXISTS ix_technology_commodity ON technology_skills(commodity_code);

-- Education, Training, and Experience Categories.txt.
CREATE TABLE IF NOT EXISTS ete_categories (
  element_id            TEXT    NOT NULL REFERENCES content_elements(element_id),
  scale_id              TEXT    NOT NULL REFERENCES scales(scale_id),
  category              INTEGER NOT NULL,
  category_description  TEXT    NOT NULL,
  PRIMARY KEY (element_id, scale_id, category)
);

-- Education, Training, and Experience.txt: on the category scales (RL, RW, PT, OJ) the percent
-- of respondents per category; IM rows (no category) an importance. A NULL category satisfies
-- the foreign key to ete_categories (MATCH SIMPLE, as in MySQL).
CREATE TABLE IF NOT EXISTS ete_ratings (
  onetsoc_code        TEXT    NOT NULL REFERENCES occupations(onetsoc_code),
  element_id          TEXT    NOT NULL REFERENCES content_elements(element_id),
  scale_id            TEXT    NOT NULL REFERENCES scales(scale_id),
  category            INTEGER,        -- NULL: n/a
  data_value          REAL    NOT NULL,
  n                   INTEGER,
  standard_error      REAL,
  lower_ci_bound      REAL,
  upper_ci_bound      REAL,
  recommend_suppress  TEXT,           -- 'Y' | 'N' | NULL (n/a)
  date_updated        TEXT,
  domain_source       TEXT,
  FOREIGN KEY (element_id, scale_id, category) REFERENCES ete_categories(element_id, scale_id, category)
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_ete_ratings ON ete_ratings(onetsoc_code, element_id, scale_id, category);

-- text_estimate's estimates (nodes/estimate), beside O*NET's values and never in place of
-- them. For an occupation O*NET rates they are its leave-one-out estimates (made without its
-- own values); the run's validation of them is load_runs.estimate_summary.
CREATE TABLE IF NOT EXISTS occupation_estimates (
  onetsoc_code  TEXT    NOT NULL REFERENCES occupations(onetsoc_code),
  element_id    TEXT    NOT NULL REFERENCES content_elements(element_id),
  scale_id      TEXT    NOT NULL REFERENCES scales(scale_id),
  estimate      REAL    NOT NULL,
  sd            REAL    NOT NULL,      -- standard deviation of the estimate
  lower_bound   REAL    NOT NULL,      -- the interval (80 % by default: estimate_summary's coverage)
  upper_bound   REAL    NOT NULL,
  load_run_id   INTEGER REFERENCES load_runs(run_id),
  PRIMARY KEY (onetsoc_code, element_id, scale_id)
) WITHOUT ROWID;

-- The rated occupations each estimate came from, most similar first.
CREATE TABLE IF NOT EXISTS estimate_neighbours (
  onetsoc_code    TEXT    NOT NULL REFERENCES occupations(onetsoc_code),
  neighbour_rank  INTEGER NOT NULL,    -- 1 = most similar
  neighbour_code  TEXT    NOT NULL REFERENCES occupations(onetsoc_code),
  similarity      REAL    NOT NULL,    -- cosine of the TF-IDF text profiles, 0..1
  PRIMARY KEY (onetsoc_code, neighbour_rank)
);

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
