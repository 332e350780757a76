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
  llm_summary      TEXT,
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
