CREATE TABLE child (id integer) INHERITS (parent);
