CREATE TABLE users (
  id INT PRIMARY KEY,
  email text,
  email text
);
