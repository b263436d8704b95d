CREATE TABLE users (id integer PRIMARY KEY);
ALTER TABLE usr ADD COLUMN name text;
