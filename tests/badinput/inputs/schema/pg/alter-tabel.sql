CREATE TABLE users (id integer PRIMARY KEY);
ALTER TABEL users ADD COLUMN name text;
