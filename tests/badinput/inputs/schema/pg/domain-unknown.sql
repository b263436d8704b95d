CREATE TABLE t (
  id integer PRIMARY KEY,
  email email_address
);
