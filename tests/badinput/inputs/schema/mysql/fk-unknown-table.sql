CREATE TABLE users (id INT PRIMARY KEY);
CREATE TABLE posts (
  id INT PRIMARY KEY,
  user_id INT REFERENCES userz (id)
);
