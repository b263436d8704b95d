CREATE TABLE users (id INT PRIMARY KEY);
CREATE TABLE posts (id INT, user_id INT REFERENCES nobody (id));
