CREATE TABLE users (id INT PRIMARY KEY) garbage here;
