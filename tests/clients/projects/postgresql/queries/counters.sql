-- Upsert: inserts the counter or adds to it, returning the new value.
-- name: UpsertCounter :one
INSERT INTO counters (name, value) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET value = counters.value + EXCLUDED.value
RETURNING value;

-- name: GetCounter :one
SELECT * FROM counters WHERE name = $1;
