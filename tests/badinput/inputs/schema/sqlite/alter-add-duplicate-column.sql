CREATE TABLE users (id INTEGER PRIMARY KEY, name text);
ALTER TABLE users ADD COLUMN name text;
