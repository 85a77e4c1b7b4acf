-- zdz ledger, version 5: the district's own text for the 建设总结报告, entered in the
-- browser. Portable SQL only.

-- One row per cluster: its 典型做法 and 建设亮点 (paragraphs separated by blank lines), who
-- wrote the last version and when; the version guards against two writers at once.
CREATE TABLE narratives (
  cluster_id TEXT PRIMARY KEY,
  practices TEXT NOT NULL,
  highlights TEXT NOT NULL,
  by_name TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version BIGINT NOT NULL
);
