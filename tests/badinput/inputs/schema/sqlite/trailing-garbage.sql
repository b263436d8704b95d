CREATE TABLE users (id INTEGER PRIMARY KEY) garbage here;
