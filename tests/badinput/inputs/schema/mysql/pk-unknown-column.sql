CREATE TABLE t (
  id INT,
  PRIMARY KEY (idd)
);
