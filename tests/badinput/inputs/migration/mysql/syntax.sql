-- +migrate Up
CREATE TABEL x (id INT);

-- +migrate Down
DROP TABLE x;
