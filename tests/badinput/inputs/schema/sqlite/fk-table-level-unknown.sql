CREATE TABLE posts (
  id INTEGER PRIMARY KEY,
  author INTEGER,
  FOREIGN KEY (author) REFERENCES authors (id)
);
