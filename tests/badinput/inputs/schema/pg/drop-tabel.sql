CREATE TABLE users (id integer PRIMARY KEY);
DROP TABEL users;
