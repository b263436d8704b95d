CREATE TABLE t (
  id INTEGER PRIMARY KEY,
  created datetime
) STRICT;
