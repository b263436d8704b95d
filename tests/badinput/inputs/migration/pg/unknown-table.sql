-- +migrate Up
ALTER TABLE ghosts ADD COLUMN n integer;

-- +migrate Down
