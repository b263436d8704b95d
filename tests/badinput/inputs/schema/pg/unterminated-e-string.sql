CREATE TABLE t (s text DEFAULT E'it\'s);
