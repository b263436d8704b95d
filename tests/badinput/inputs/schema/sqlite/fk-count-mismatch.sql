CREATE TABLE users (id INTEGER, org INTEGER, PRIMARY KEY (id, org));
CREATE TABLE posts (
  id INTEGER PRIMARY KEY,
  user_id INTEGER,
  FOREIGN KEY (user_id) REFERENCES users (id, org)
);
