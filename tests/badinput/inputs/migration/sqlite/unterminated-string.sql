-- +migrate Up
CREATE TABLE x (s text DEFAULT 'a);

-- +migrate Down
DROP TABLE x;
