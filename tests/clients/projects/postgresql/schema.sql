-- Shared client test project (PostgreSQL). The mysql/ and sqlite/ projects declare the same
-- tables, columns and queries as far as the dialects allow; see tests/clients/README.md.

CREATE TYPE user_role AS ENUM ('admin', 'member', 'guest');

CREATE TABLE users (
  id          BIGSERIAL PRIMARY KEY,
  email       TEXT NOT NULL UNIQUE,
  name        TEXT,
  age         INTEGER,
  role        user_role NOT NULL DEFAULT 'member',
  active      BOOLEAN NOT NULL DEFAULT TRUE,
  balance     NUMERIC(12, 2) NOT NULL DEFAULT 0,
  score       DOUBLE PRECISION,
  external_id UUID,
  tags        TEXT[] NOT NULL DEFAULT '{}',
  profile     JSONB,
  avatar      BYTEA,
  birthday    DATE,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMP
);

CREATE TABLE posts (
  id           BIGSERIAL PRIMARY KEY,
  user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title        TEXT NOT NULL,
  body         TEXT,
  views        INTEGER NOT NULL DEFAULT 0,
  metadata     JSON,
  published_at TIMESTAMPTZ
);

CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
