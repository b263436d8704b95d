CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email text,
  email text
);
