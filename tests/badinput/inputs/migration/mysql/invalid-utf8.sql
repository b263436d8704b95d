-- +migrate Up
CREATE TABLE x (id INT);
ALTER TABLE ÿ ADD COLUMN y INT;

-- +migrate Down
