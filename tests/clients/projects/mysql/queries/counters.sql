-- Upsert: inserts the counter or adds to it. Affected rows: 1 when inserted, 2 when updated.
-- name: UpsertCounter :execrows
INSERT INTO counters (name, value) VALUES (?, ?)
ON DUPLICATE KEY UPDATE value = value + VALUES(value);

-- name: GetCounter :one
SELECT * FROM counters WHERE name = ?;
