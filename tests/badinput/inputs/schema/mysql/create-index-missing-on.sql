CREATE TABLE users (id INT PRIMARY KEY);
CREATE INDEX users_id users (id);
