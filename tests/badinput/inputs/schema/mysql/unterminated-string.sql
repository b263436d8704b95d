CREATE TABLE users (
  id INT PRIMARY KEY,
  status text DEFAULT 'active
);
