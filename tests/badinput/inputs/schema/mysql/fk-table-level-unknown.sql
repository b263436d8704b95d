CREATE TABLE posts (
  id INT PRIMARY KEY,
  author INT,
  FOREIGN KEY (author) REFERENCES authors (id)
);
