CREATE TABLE users (id integer, org integer, PRIMARY KEY (id, org));
CREATE TABLE posts (
  id integer PRIMARY KEY,
  user_id integer,
  FOREIGN KEY (user_id) REFERENCES users (id, org)
);
