-- +migrate Up
ALTER TABLE ghosts ADD COLUMN n INTEGER;

-- +migrate Down
