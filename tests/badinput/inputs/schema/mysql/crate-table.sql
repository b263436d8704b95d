-- users
CRATE TABLE users (id INT PRIMARY KEY);
