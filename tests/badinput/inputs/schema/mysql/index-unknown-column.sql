CREATE TABLE users (id INT PRIMARY KEY, email text);
CREATE INDEX users_mail ON users (mail);
