-- Atuin sync server (PostgreSQL), written in the style of its Rust/sqlx database layer.

-- name: GetSession :one
SELECT id, user_id, token FROM sessions WHERE token = $1;

-- name: GetSessionUser :one
SELECT users.id, users.username, users.email, users.password, users.created_at
FROM sessions
INNER JOIN users ON users.id = sessions.user_id
WHERE sessions.token = $1;

-- name: GetUserByName :one
SELECT id, username, email, password, created_at FROM users WHERE LOWER(username) = LOWER($1);

-- name: AddUser :one
INSERT INTO users (username, email, password) VALUES ($1, $2, $3) RETURNING id;

-- name: AddSession :exec
INSERT INTO sessions (user_id, token) VALUES ($1, $2);

-- name: CountHistory :one
SELECT count(1) FROM history WHERE user_id = $1;

-- name: CountHistoryCached :one
SELECT total FROM total_history_count_user WHERE user_id = $1;

-- name: CountHistoryRange :one
SELECT count(1) FROM history
WHERE user_id = $1 AND timestamp >= $2::date AND timestamp < $3::date;

-- name: ListHistory :many
SELECT id, client_id, user_id, hostname, timestamp, data, created_at
FROM history
WHERE user_id = $1 AND hostname != $2 AND created_at >= $3
ORDER BY timestamp ASC
LIMIT $4;

-- name: AddHistory :copyfrom
INSERT INTO history (client_id, user_id, hostname, timestamp, data) VALUES ($1, $2, $3, $4, $5);

-- name: AddHistoryIgnoreDuplicates :execrows
INSERT INTO history (client_id, user_id, hostname, timestamp, data)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT DO NOTHING;

-- name: DeleteHistory :exec
UPDATE history SET deleted_at = $3 WHERE user_id = $1 AND client_id = $2 AND deleted_at IS NULL;

-- name: DeletedHistory :many
SELECT client_id FROM history WHERE user_id = $1 AND deleted_at IS NOT NULL;

-- name: DeleteUser :exec
DELETE FROM users WHERE id = $1;

-- name: DeleteUserSessions :execrows
DELETE FROM sessions WHERE user_id = $1;

-- name: UpdateUserPassword :exec
UPDATE users SET password = $1 WHERE id = $2;

-- name: CalendarDays :many
SELECT date_trunc('day', timestamp)::date AS day, count(1) AS total
FROM history
WHERE user_id = $1 AND timestamp >= $2 AND timestamp < $3
GROUP BY 1
ORDER BY 1;

-- name: CalendarMonths :many
SELECT EXTRACT(MONTH FROM timestamp)::int AS month, EXTRACT(YEAR FROM timestamp)::int AS year, count(*) AS total
FROM history
WHERE user_id = $1
GROUP BY 1, 2
ORDER BY 2, 1;

-- name: OldestHistory :one
SELECT id, client_id, user_id, hostname, timestamp, data, created_at, deleted_at
FROM history
WHERE user_id = $1
ORDER BY timestamp ASC
LIMIT 1;

-- name: StatusByHost :many
SELECT host, tag, max(idx) AS max_idx
FROM store
WHERE user_id = $1
GROUP BY host, tag;

-- name: AddRecords :exec
INSERT INTO store (id, client_id, host, idx, timestamp, version, tag, data, cek, user_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT DO NOTHING;

-- name: NextRecords :many
SELECT client_id, host, idx, timestamp, version, tag, data, cek
FROM store
WHERE user_id = $1 AND tag = $2 AND host = $3 AND idx >= $4
ORDER BY idx ASC
LIMIT $5;

-- name: UpsertIdxCache :exec
INSERT INTO store_idx_cache (user_id, host, tag, idx)
VALUES ($1, $2, $3, $4)
ON CONFLICT (user_id, host, tag) DO UPDATE SET idx = GREATEST(store_idx_cache.idx, excluded.idx);

-- name: IdxCache :many
SELECT host, tag, idx FROM store_idx_cache WHERE user_id = $1;

-- name: DeleteStore :execrows
DELETE FROM store WHERE user_id = $1;

-- name: HostsForUser :many
SELECT DISTINCT hostname FROM history WHERE user_id = $1 ORDER BY hostname;

-- name: TopHosts :many
SELECT hostname, count(*) AS commands, max(timestamp) AS last_seen
FROM history
WHERE user_id = $1 AND deleted_at IS NULL
GROUP BY hostname
HAVING count(*) > $2
ORDER BY commands DESC;

-- name: HistoryPage :many
SELECT id, client_id, timestamp
FROM history
WHERE user_id = sqlc.arg(user_id)
  AND (sqlc.narg(after)::timestamp IS NULL OR timestamp > sqlc.narg(after))
ORDER BY timestamp
LIMIT sqlc.arg(page_size);

-- name: LatestRecordPerTag :many
SELECT DISTINCT ON (tag) tag, id, idx, created_at
FROM store
WHERE user_id = $1
ORDER BY tag, idx DESC;

-- name: HistoryWithRank :many
SELECT client_id, hostname,
       row_number() OVER (PARTITION BY hostname ORDER BY timestamp DESC) AS rank
FROM history
WHERE user_id = $1;

-- name: RecountHistory :exec
UPDATE total_history_count_user
SET total = (SELECT count(1) FROM history WHERE history.user_id = total_history_count_user.user_id)
WHERE user_id = $1;

-- name: UsersCreatedSince :many
SELECT id, username, created_at FROM users WHERE created_at > now() - $1::interval ORDER BY created_at DESC;

-- name: DeleteOldSessions :execrows
DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE username = ANY($1::text[]));

-- name: RecordsForHosts :many
SELECT id, host, idx FROM store WHERE user_id = $1 AND host IN (sqlc.slice(hosts)) ORDER BY idx;

-- name: CountByTag :many
SELECT tag, count(*) FILTER (WHERE length(data) > 1024) AS big, count(*) AS total
FROM store
WHERE user_id = $1
GROUP BY tag;
