CREATE TABLE users (
  id INT PRIMARY KEY,
  name text
;
