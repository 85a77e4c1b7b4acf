-- zdz ledger, version 2: acceptance (验收) and 销号 of clusters. Portable SQL only.

-- Where each run's workspace was loaded from, so that the ledger can find it again (spot
-- checks draw from the workspace of a cluster's latest run).
ALTER TABLE runs ADD COLUMN origin TEXT;

-- zdz's own assessment of each cluster at its latest run, beside which an official score
-- is recorded: the score as decimal text, the rubric items as a JSON object, and the veto
-- problems as a '|'-list.
ALTER TABLE clusters ADD COLUMN score TEXT;
ALTER TABLE clusters ADD COLUMN items TEXT;
ALTER TABLE clusters ADD COLUMN veto TEXT;

-- zdz's score of each cluster at every run, for the summary report's before and after.
CREATE TABLE cluster_scores (
  cluster_id TEXT NOT NULL,
  run_id BIGINT NOT NULL,
  score TEXT NOT NULL,
  PRIMARY KEY (cluster_id, run_id)
);

-- Every official acceptance of a cluster, append-only; the latest (highest seq) counts.
CREATE TABLE acceptances (
  cluster_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  accepted_on TEXT NOT NULL,
  score TEXT NOT NULL,
  items TEXT NOT NULL,
  by_name TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  evidence TEXT,
  note TEXT,
  override_reason TEXT,
  zdz_score TEXT,
  zdz_items TEXT,
  veto TEXT NOT NULL,
  remaining TEXT NOT NULL,
  detected TEXT NOT NULL,
  run_id BIGINT,
  PRIMARY KEY (cluster_id, seq)
);

-- The city's spot checks (抽查): the sample drawn (its seed, clusters and items as JSON) and
-- the results the field team brought back (JSON), once imported.
CREATE TABLE spotchecks (
  check_id TEXT PRIMARY KEY,
  drawn_at TEXT NOT NULL,
  drawn_by TEXT NOT NULL,
  seed BIGINT NOT NULL,
  clusters TEXT NOT NULL,
  items TEXT NOT NULL,
  results TEXT,
  imported_at TEXT
);
