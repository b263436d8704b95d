-- café (latin-1)
CREATE TABLE users (id integer PRIMARY KEY);
CREATE TABEL x (id integer);
