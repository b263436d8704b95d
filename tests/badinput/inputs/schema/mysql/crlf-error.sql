CREATE TABLE users (
  id INT PRIMARY KEY,
  id INT
);
