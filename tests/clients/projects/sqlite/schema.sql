-- Shared client test project (SQLite). Parallel to ../postgresql/schema.sql; the differences are
-- the dialect's: the enum is TEXT with a CHECK, UUIDs are TEXT, no arrays, types by affinity.

CREATE TABLE users (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  email       TEXT NOT NULL UNIQUE,
  name        TEXT,
  age         INTEGER,
  role        TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member', 'guest')),
  active      BOOLEAN NOT NULL DEFAULT 1,
  balance     NUMERIC NOT NULL DEFAULT 0,
  score       REAL,
  external_id TEXT,
  profile     JSON,
  avatar      BLOB,
  birthday    DATE,
  created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at  DATETIME
);

CREATE TABLE posts (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title        TEXT NOT NULL,
  body         TEXT,
  views        INTEGER NOT NULL DEFAULT 0,
  metadata     JSON,
  published_at DATETIME
);

CREATE TABLE counters (
  name  TEXT NOT NULL PRIMARY KEY,
  value INTEGER NOT NULL
);
