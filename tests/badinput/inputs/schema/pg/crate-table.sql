-- users
CRATE TABLE users (id integer PRIMARY KEY);
