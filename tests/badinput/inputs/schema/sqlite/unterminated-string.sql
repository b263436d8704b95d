CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  status text DEFAULT 'active
);
