CREATE TABLE users (
  id integer PRIMARY KEY,
  age integr
);
