-- name: BatchUpsertCounters :batchexec
INSERT INTO counters (name, value) VALUES (?, ?)
ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value;

-- name: BatchGetCounters :batchone
SELECT * FROM counters WHERE name = ?;

-- name: BatchListPostTitles :batchmany
SELECT id, title FROM posts WHERE user_id = ? ORDER BY id;
