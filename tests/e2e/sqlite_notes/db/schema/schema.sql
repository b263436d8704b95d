CREATE TABLE notes (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  title      TEXT NOT NULL,
  body       TEXT,
  pinned     BOOLEAN NOT NULL DEFAULT 0,
  rating     REAL,
  updated_at DATETIME
);
