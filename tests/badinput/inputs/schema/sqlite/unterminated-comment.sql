CREATE TABLE users (id INTEGER PRIMARY KEY);
/* the rest
is never closed
