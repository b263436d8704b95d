CREATE TABLE users (id INT, org INT, PRIMARY KEY (id, org));
CREATE TABLE posts (
  id INT PRIMARY KEY,
  user_id INT,
  FOREIGN KEY (user_id) REFERENCES users (id, org)
);
