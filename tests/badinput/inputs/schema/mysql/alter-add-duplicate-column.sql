CREATE TABLE users (id INT PRIMARY KEY, name text);
ALTER TABLE users ADD COLUMN name text;
