-- +migrate Up
CREATE TABEL x (id INTEGER);

-- +migrate Down
DROP TABLE x;
