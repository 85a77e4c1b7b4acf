-- zdz ledger, version 1. Run by both engines (SQLite and PostgreSQL): portable SQL only.
-- Times are UTC ISO 8601 text; booleans are integers 0/1; lists are '|'-joined text with
-- a '|' at each end, so `LIKE '%|X|%'` finds a member.

CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('run', 0);

-- One row per run of `zdz analyze --ledger` (or a `zdz serve` load or reload).
CREATE TABLE runs (
  run_id BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  workspace TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  params TEXT NOT NULL,
  rules_ran TEXT NOT NULL,
  problems BIGINT NOT NULL,
  new_count BIGINT NOT NULL,
  recurred_count BIGINT NOT NULL,
  not_detected_count BIGINT NOT NULL,
  zdz_version TEXT NOT NULL
);

-- The clusters runs have seen, for progress reports (district, deadline).
CREATE TABLE clusters (
  cluster_id TEXT PRIMARY KEY,
  name TEXT,
  district TEXT,
  deadline TEXT,
  workspace TEXT NOT NULL,
  last_run BIGINT NOT NULL
);

-- One row per problem ever found: the problem list (问题清单).
CREATE TABLE entries (
  problem_id TEXT PRIMARY KEY,
  code TEXT NOT NULL,
  layer TEXT NOT NULL,
  feature_id TEXT NOT NULL,
  cluster_id TEXT,
  cluster_ids TEXT NOT NULL,
  district TEXT,
  districts TEXT NOT NULL,
  workspace TEXT NOT NULL,
  detail TEXT,
  status TEXT NOT NULL,
  detected BIGINT NOT NULL,
  recurrences BIGINT NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  first_run BIGINT NOT NULL,
  last_run BIGINT NOT NULL,
  due TEXT,
  unit TEXT,
  measure TEXT,
  note TEXT,
  version BIGINT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX entries_cluster ON entries (cluster_id);
CREATE INDEX entries_district ON entries (district);
CREATE INDEX entries_status ON entries (status);
CREATE INDEX entries_workspace ON entries (workspace);

-- Every change, append-only: who, when, from → to, and what was set.
CREATE TABLE history (
  problem_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  at TEXT NOT NULL,
  by_name TEXT NOT NULL,
  run_id BIGINT,
  change TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT,
  note TEXT,
  measure TEXT,
  unit TEXT,
  due TEXT,
  evidence TEXT,
  PRIMARY KEY (problem_id, seq)
);
CREATE INDEX history_run ON history (run_id);

-- Evidence files, content-addressed: one row per distinct content.
CREATE TABLE evidence (
  sha256 TEXT PRIMARY KEY,
  size BIGINT NOT NULL,
  media_type TEXT NOT NULL,
  content BYTEA NOT NULL
);
CREATE TABLE entry_evidence (
  problem_id TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  file_name TEXT NOT NULL,
  added_at TEXT NOT NULL,
  by_name TEXT NOT NULL,
  PRIMARY KEY (problem_id, sha256)
);

-- Who may use the service's ledger endpoints; tokens are stored only as argon2 hashes.
CREATE TABLE users (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  district TEXT,
  token_id TEXT NOT NULL UNIQUE,
  token_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);
