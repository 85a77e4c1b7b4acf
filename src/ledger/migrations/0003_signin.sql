-- zdz ledger, version 3: signing in from a browser. Portable SQL only.

-- A user may also sign in with a password (argon2 hash, as tokens are kept), and may be
-- disabled: a disabled user's token, password and sessions no longer open anything.
ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN disabled BIGINT NOT NULL DEFAULT 0;

-- Open browser sessions, by the SHA-256 of the cookie's random value (the value itself is
-- never stored).
CREATE TABLE sessions (
  session_hash TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_name ON sessions (name);
