CREATE TABEL users (
  id integer PRIMARY KEY
);
