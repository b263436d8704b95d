CREATE TABLE users (
  id INT PRIMARY KEY,
  age integr
);
