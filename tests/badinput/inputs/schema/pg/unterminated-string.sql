CREATE TABLE users (
  id integer PRIMARY KEY,
  status text DEFAULT 'active
);
