CREATE TABLE t (
  id INT PRIMARY KEY,
  kind ENUM(1, 2)
);
