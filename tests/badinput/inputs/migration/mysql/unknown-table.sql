-- +migrate Up
ALTER TABLE ghosts ADD COLUMN n INT;

-- +migrate Down
