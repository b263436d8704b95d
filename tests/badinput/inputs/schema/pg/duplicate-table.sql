CREATE TABLE users (id integer PRIMARY KEY);

CREATE TABLE users (id integer PRIMARY KEY);
