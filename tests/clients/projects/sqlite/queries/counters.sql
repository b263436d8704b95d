-- Upsert: inserts the counter or adds to it, returning the new value.
-- name: UpsertCounter :one
INSERT INTO counters (name, value) VALUES (?, ?)
ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value
RETURNING value;

-- name: GetCounter :one
SELECT * FROM counters WHERE name = ?;
