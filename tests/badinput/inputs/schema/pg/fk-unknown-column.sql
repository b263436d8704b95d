CREATE TABLE users (id integer PRIMARY KEY);
CREATE TABLE posts (
  id integer PRIMARY KEY,
  user_id integer REFERENCES users (uid)
);
