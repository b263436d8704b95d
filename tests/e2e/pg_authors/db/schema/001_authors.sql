CREATE TYPE genre AS ENUM ('fiction', 'non-fiction', 'poetry');

CREATE TABLE authors (
  id         BIGSERIAL PRIMARY KEY,
  name       TEXT NOT NULL,
  bio        TEXT,
  genres     genre[] NOT NULL DEFAULT '{}',
  settings   JSONB,
  born       DATE,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE books (
  id        BIGSERIAL PRIMARY KEY,
  author_id BIGINT NOT NULL REFERENCES authors (id),
  title     TEXT NOT NULL,
  genre     genre NOT NULL,
  price     NUMERIC(8, 2)
);
