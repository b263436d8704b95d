CREATE TABLE users (id INT PRIMARY KEY, email text);
CREATE INDEX aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ON users (email);
