CREATE TABLE users (id integer PRIMARY KEY);
CREATE TABLE posts (id integer, user_id integer REFERENCES nobody (id));
