-- café (latin-1)
CREATE TABLE users (id INT PRIMARY KEY);
CREATE TABEL x (id INT);
