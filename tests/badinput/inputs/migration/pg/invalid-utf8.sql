-- +migrate Up
CREATE TABLE x (id integer);
ALTER TABLE ÿ ADD COLUMN y integer;

-- +migrate Down
