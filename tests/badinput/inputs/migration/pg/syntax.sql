-- +migrate Up
CREATE TABEL x (id integer);

-- +migrate Down
DROP TABLE x;
