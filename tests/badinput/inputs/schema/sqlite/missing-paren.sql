CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name text
;
