CREATE TABLE posts (
  id integer PRIMARY KEY,
  author integer,
  FOREIGN KEY (author) REFERENCES authors (id)
);
