CREATE TABLE users (id integer PRIMARY KEY, name text);
ALTER TABLE users ADD COLUMN name text;
