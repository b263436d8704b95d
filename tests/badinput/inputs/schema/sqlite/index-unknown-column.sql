CREATE TABLE users (id INTEGER PRIMARY KEY, email text);
CREATE INDEX users_mail ON users (mail);
