CREATE TABLE users (id integer PRIMARY KEY, email text);
CREATE INDEX users_mail ON users (mail);
