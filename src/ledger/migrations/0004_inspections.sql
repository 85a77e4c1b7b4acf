-- zdz ledger, version 4: inspections entered in the browser (记录排查). Portable SQL only.

-- One row per inspection, by the id the inspector's browser gave it, so that a form sent
-- again (the connection came back after it had been received) is kept once. Numbers are
-- decimal text; the photo is an evidence file, by its SHA-256.
CREATE TABLE inspections (
  inspection_id TEXT PRIMARY KEY,
  outfall_id TEXT NOT NULL,
  inspected_on TEXT NOT NULL,
  weather TEXT NOT NULL,
  flowing BIGINT,
  cod_mgl TEXT,
  nh3n_mgl TEXT,
  note TEXT,
  photo TEXT,
  inspector TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX inspections_outfall ON inspections (outfall_id);
