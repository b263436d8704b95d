-- name: BatchUpsertCounters :batchexec
INSERT INTO counters (name, value) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET value = counters.value + EXCLUDED.value;

-- name: BatchGetCounters :batchone
SELECT * FROM counters WHERE name = $1;

-- name: BatchListPostTitles :batchmany
SELECT id, title FROM posts WHERE user_id = $1 ORDER BY id;
