CREATE TABLE users (id INT PRIMARY KEY);
/* the rest
is never closed
