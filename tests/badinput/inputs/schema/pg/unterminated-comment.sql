CREATE TABLE users (id integer PRIMARY KEY);
/* the rest
is never closed
