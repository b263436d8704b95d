CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  age integr
) STRICT;
