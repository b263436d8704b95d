-- +migrate Up
CREATE TABLE x (id INTEGER);
ALTER TABLE ÿ ADD COLUMN y INTEGER;

-- +migrate Down
