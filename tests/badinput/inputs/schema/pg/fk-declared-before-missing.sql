CREATE TABLE posts (
  id integer PRIMARY KEY,
  tag_id integer REFERENCES tag (id)
);
CREATE TABLE tags (id integer PRIMARY KEY);
