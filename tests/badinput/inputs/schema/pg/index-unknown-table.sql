CREATE TABLE users (id integer PRIMARY KEY);
CREATE INDEX users_id ON user (id);
