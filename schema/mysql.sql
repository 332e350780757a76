-- O*NET skill-gap store, MySQL 8 / MariaDB dialect. Keep in step with schema/sqlite.sql.
-- Codes and ids use utf8mb4_bin so that keys compare byte for byte, as in SQLite (the default
-- utf8mb4 collations are case-insensitive).
CREATE TABLE IF NOT EXISTS schema_version (
  version     INT         NOT NULL PRIMARY KEY,
  applied_at  VARCHAR(32) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS load_runs (
  run_id           BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  pipeline         VARCHAR(255) NOT NULL,
  onet_release     VARCHAR(32)  NOT NULL,
  source           VARCHAR(1024) NOT NULL,
  source_checksum  VARCHAR(128),
  started_at       VARCHAR(32)  NOT NULL,
  finished_at      VARCHAR(32),
  status           VARCHAR(16)  NOT NULL,
  occupations      INT          NOT NULL DEFAULT 0,
  elements         INT          NOT NULL DEFAULT 0,
  scales           INT          NOT NULL DEFAULT 0,
  ratings          INT          NOT NULL DEFAULT 0,
  rejected         INT          NOT NULL DEFAULT 0,
  task_statements         INT NOT NULL DEFAULT 0,
  alternate_titles        INT NOT NULL DEFAULT 0,
  reported_titles         INT NOT NULL DEFAULT 0,
  job_zones               INT NOT NULL DEFAULT 0,
  job_zone_reference      INT NOT NULL DEFAULT 0,
  level_scale_anchors     INT NOT NULL DEFAULT 0,
  technology_skills       INT NOT NULL DEFAULT 0,
  technology_commodities  INT NOT NULL DEFAULT 0,
  ete_ratings             INT NOT NULL DEFAULT 0,
  ete_categories          INT NOT NULL DEFAULT 0,
  llm_summary      TEXT,
  estimate_summary TEXT,
  message          TEXT,
  CONSTRAINT ck_load_runs_status CHECK (status IN ('running','completed','failed'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS scales (
  scale_id    VARCHAR(8)   COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
  scale_name  VARCHAR(255) NOT NULL,
  minimum     DOUBLE       NOT NULL,
  maximum     DOUBLE       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS content_elements (
  element_id    VARCHAR(32)  COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
  element_name  VARCHAR(255) NOT NULL,
  description   TEXT         NOT NULL,
  domain        VARCHAR(16)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS occupations (
  onetsoc_code  CHAR(10)     COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
  title         VARCHAR(255) NOT NULL,
  description   TEXT         NOT NULL,
  source        VARCHAR(16)  NOT NULL DEFAULT 'file',
  load_run_id   BIGINT,
  INDEX ix_occupations_title (title),
  CONSTRAINT fk_occ_run FOREIGN KEY (load_run_id) REFERENCES load_runs(run_id),
  CONSTRAINT ck_occ_source CHECK (source IN ('file','onet_api'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS occupation_ratings (
  onetsoc_code        CHAR(10)    COLLATE utf8mb4_bin NOT NULL,
  element_id          VARCHAR(32) COLLATE utf8mb4_bin NOT NULL,
  scale_id            VARCHAR(8)  COLLATE utf8mb4_bin NOT NULL,
  data_value          DOUBLE,
  n                   INT,
  standard_error      DOUBLE,
  lower_ci_bound      DOUBLE,
  upper_ci_bound      DOUBLE,
  recommend_suppress  CHAR(1),
  not_relevant        CHAR(1),
  date_updated        VARCHAR(7),
  domain_source       VARCHAR(64),
  llm_value           DOUBLE,
  refined_value       DOUBLE,
  value_source        VARCHAR(16) NOT NULL DEFAULT 'file',
  load_run_id         BIGINT,
  PRIMARY KEY (onetsoc_code, element_id, scale_id),
  INDEX ix_ratings_element (element_id, scale_id),
  CONSTRAINT fk_rat_occ FOREIGN KEY (onetsoc_code) REFERENCES occupations(onetsoc_code),
  CONSTRAINT fk_rat_el  FOREIGN KEY (element_id)   REFERENCES content_elements(element_id),
  CONSTRAINT fk_rat_sc  FOREIGN KEY (scale_id)     REFERENCES scales(scale_id),
  CONSTRAINT fk_rat_run FOREIGN KEY (load_run_id)  REFERENCES load_runs(run_id),
  CONSTRAINT ck_rat_source CHECK (value_source IN ('file','onet_api','llm'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Schema version 2: the descriptive tables of O*NET's text release (see sqlite.sql).
CREATE TABLE IF NOT EXISTS task_statements (
  task_id                BIGINT       NOT NULL PRIMARY KEY,
  onetsoc_code           CHAR(10)     COLLATE utf8mb4_bin NOT NULL,
  task                   TEXT         NOT NULL,
  task_type              VARCHAR(16),
  incumbents_responding  DOUBLE,
  date_updated           VARCHAR(7),
  domain_source          VARCHAR(64),
  INDEX ix_tasks_code (onetsoc_code),
  CONSTRAINT fk_task_occ FOREIGN KEY (onetsoc_code) REFERENCES occupations(onetsoc_code),
  CONSTRAINT ck_task_type CHECK (task_type IN ('Core','Supplemental'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS alternate_titles (
  onetsoc_code     CHAR(10)     COLLATE utf8mb4_bin NOT NULL,
  alternate_title  VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
  short_title      VARCHAR(255) COLLATE utf8mb4_bin,
  sources          VARCHAR(64)  NOT NULL,
  UNIQUE KEY ux_alternate_titles (onetsoc_code, alternate_title, short_title),
  INDEX ix_alternate_titles_title (alternate_title),
  CONSTRAINT fk_alt_occ FOREIGN KEY (onetsoc_code) REFERENCES occupations(onetsoc_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS reported_titles (
  onetsoc_code           CHAR(10)     COLLATE utf8mb4_bin NOT NULL,
  reported_title         VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
  shown_in_my_next_move  CHAR(1)      NOT NULL,
  PRIMARY KEY (onetsoc_code, reported_title),
  CONSTRAINT fk_rep_occ FOREIGN KEY (onetsoc_code) REFERENCES occupations(onetsoc_code),
  CONSTRAINT ck_rep_shown CHECK (shown_in_my_next_move IN ('Y','N'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS job_zone_reference (
  job_zone      INT  NOT NULL PRIMARY KEY,
  name          VARCHAR(255) NOT NULL,
  experience    TEXT NOT NULL,
  education     TEXT NOT NULL,
  job_training  TEXT NOT NULL,
  examples      TEXT NOT NULL,
  svp_range     VARCHAR(64) NOT NULL,
  CONSTRAINT ck_jzr_zone CHECK (job_zone BETWEEN 1 AND 5)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS job_zones (
  onetsoc_code   CHAR(10)    COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
  job_zone       INT         NOT NULL,
  date_updated   VARCHAR(7),
  domain_source  VARCHAR(64),
  CONSTRAINT fk_jz_occ  FOREIGN KEY (onetsoc_code) REFERENCES occupations(onetsoc_code),
  CONSTRAINT fk_jz_zone FOREIGN KEY (job_zone)     REFERENCES job_zone_reference(job_zone)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS level_scale_anchors (
  element_id          VARCHAR(32) COLLATE utf8mb4_bin NOT NULL,
  scale_id            VARCHAR(8)  COLLATE utf8mb4_bin NOT NULL,
  anchor_value        DOUBLE      NOT NULL,
  anchor_description  TEXT        NOT NULL,
  PRIMARY KEY (element_id, scale_id, anchor_value),
  CONSTRAINT fk_lsa_el FOREIGN KEY (element_id) REFERENCES content_elements(element_id),
  CONSTRAINT fk_lsa_sc FOREIGN KEY (scale_id)   REFERENCES scales(scale_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS technology_commodities (
  commodity_code   BIGINT       NOT NULL PRIMARY KEY,
  commodity_title  VARCHAR(255) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS technology_skills (
  onetsoc_code    CHAR(10)     COLLATE utf8mb4_bin NOT NULL,
  commodity_code  BIGINT       NOT NULL,
  example         VARCHAR(255) COLLATE utf8mb4_bin NOT NULL,
  hot_technology  CHAR(1)      NOT NULL,
  in_demand       CHAR(1)      NOT NULL,
  PRIMARY KEY (onetsoc_code, commodity_code, example),
  INDEX ix_technology_commodity (commodity_code),
  CONSTRAINT fk_tech_occ FOREIGN KEY (onetsoc_code)   REFERENCES occupations(onetsoc_code),
  CONSTRAINT fk_tech_cc  FOREIGN KEY (commodity_code) REFERENCES technology_commodities(commodity_code),
  CONSTRAINT ck_tech_hot CHECK (hot_technology IN ('Y','N')),
  CONSTRAINT ck_tech_dem CHECK (in_demand IN ('Y','N'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS ete_categories (
  element_id            VARCHAR(32) COLLATE utf8mb4_bin NOT NULL,
  scale_id              VARCHAR(8)  COLLATE utf8mb4_bin NOT NULL,
  category              INT         NOT NULL,
  category_description  TEXT        NOT NULL,
  PRIMARY KEY (element_id, scale_id, category),
  CONSTRAINT fk_etec_el FOREIGN KEY (element_id) REFERENCES content_elements(element_id),
  CONSTRAINT fk_etec_sc FOREIGN KEY (scale_id)   REFERENCES scales(scale_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS ete_ratings (
  onetsoc_code        CHAR(10)    COLLATE utf8mb4_bin NOT NULL,
  element_id          VARCHAR(32) COLLATE utf8mb4_bin NOT NULL,
  scale_id            VARCHAR(8)  COLLATE utf8mb4_bin NOT NULL,
  category            INT,
  data_value          DOUBLE      NOT NULL,
  n                   INT,
  standard_error      DOUBLE,
  lower_ci_bound      DOUBLE,
  upper_ci_bound      DOUBLE,
  recommend_suppress  CHAR(1),
  date_updated        VARCHAR(7),
  domain_source       VARCHAR(64),
  UNIQUE KEY ux_ete_ratings (onetsoc_code, element_id, scale_id, category),
  INDEX ix_ete_category (element_id, scale_id, category),
  CONSTRAINT fk_ete_occ FOREIGN KEY (onetsoc_code) REFERENCES occupations(onetsoc_code),
  CONSTRAINT fk_ete_el  FOREIGN KEY (element_id)   REFERENCES content_elements(element_id),
  CONSTRAINT fk_ete_sc  FOREIGN KEY (scale_id)     REFERENCES scales(scale_id),
  CONSTRAINT fk_ete_cat FOREIGN KEY (element_id, scale_id, category)
    REFERENCES ete_categories(element_id, scale_id, category)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- text_estimate's estimates (nodes/estimate), beside O*NET's values and never in place of
-- them. For an occupation O*NET rates they are its leave-one-out estimates (made without its
-- own values); the run's validation of them is load_runs.estimate_summary.
CREATE TABLE IF NOT EXISTS occupation_estimates (
  onetsoc_code  CHAR(10)    COLLATE utf8mb4_bin NOT NULL,
  element_id    VARCHAR(32) COLLATE utf8mb4_bin NOT NULL,
  scale_id      VARCHAR(8)  COLLATE utf8mb4_bin NOT NULL,
  estimate      DOUBLE      NOT NULL,
  sd            DOUBLE      NOT NULL,
  lower_bound   DOUBLE      NOT NULL,
  upper_bound   DOUBLE      NOT NULL,
  load_run_id   BIGINT,
  PRIMARY KEY (onetsoc_code, element_id, scale_id),
  CONSTRAINT fk_est_occ   FOREIGN KEY (onetsoc_code) REFERENCES occupations(onetsoc_code),
  CONSTRAINT fk_est_el    FOREIGN KEY (element_id)   REFERENCES content_elements(element_id),
  CONSTRAINT fk_est_scale FOREIGN KEY (scale_id)     REFERENCES scales(scale_id),
  CONSTRAINT fk_est_run   FOREIGN KEY (load_run_id)  REFERENCES load_runs(run_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS estimate_neighbours (
  onetsoc_code    CHAR(10) COLLATE utf8mb4_bin NOT NULL,
  neighbour_rank  INT      NOT NULL,
  neighbour_code  CHAR(10) COLLATE utf8mb4_bin NOT NULL,
  similarity      DOUBLE   NOT NULL,
  PRIMARY KEY (onetsoc_code, neighbour_rank),
  CONSTRAINT fk_nb_occ FOREIGN KEY (onetsoc_code)   REFERENCES occupations(onetsoc_code),
  CONSTRAINT fk_nb_nb  FOREIGN KEY (neighbour_code) REFERENCES occupations(onetsoc_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS llm_assessments (
  assessment_id      BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  run_id             BIGINT,
  onetsoc_code       CHAR(10)     COLLATE utf8mb4_bin NOT NULL,
  element_id         VARCHAR(32)  COLLATE utf8mb4_bin NOT NULL,
  provider           VARCHAR(32)  NOT NULL,
  model              VARCHAR(128) NOT NULL,
  prompt_version     VARCHAR(32)  NOT NULL,
  prompt_hash        CHAR(64)     NOT NULL,
  raw_level          DOUBLE,
  calibrated_level   DOUBLE,
  justification      TEXT,
  raw_response       MEDIUMTEXT,
  latency_ms         INT,
  prompt_tokens      INT,
  completion_tokens  INT,
  status             VARCHAR(16)  NOT NULL,
  created_at         VARCHAR(32)  NOT NULL,
  INDEX ix_llm_lookup (onetsoc_code, provider, model, prompt_hash),
  CONSTRAINT fk_llm_run FOREIGN KEY (run_id) REFERENCES load_runs(run_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
