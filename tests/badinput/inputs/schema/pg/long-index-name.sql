CREATE TABLE users (id integer PRIMARY KEY, email text);
CREATE INDEX aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ON users (email);
