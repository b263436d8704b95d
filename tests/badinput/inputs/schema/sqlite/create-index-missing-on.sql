CREATE TABLE users (id INTEGER PRIMARY KEY);
CREATE INDEX users_id users (id);
