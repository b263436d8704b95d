-- Atuin client history database (SQLite), in the style of atuin-client's database.rs.

-- name: SaveHistory :exec
INSERT OR IGNORE INTO history (id, timestamp, duration, exit, command, cwd, session, hostname, deleted_at, author,
                               intent, shell, author_kind)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13);

-- name: LoadHistory :one
SELECT id, timestamp, duration, exit, command, cwd, session, hostname, deleted_at FROM history WHERE id = ?1;

-- name: UpdateHistory :exec
UPDATE history SET timestamp = ?2, duration = ?3, exit = ?4, command = ?5, cwd = ?6, session = ?7,
                   hostname = ?8, deleted_at = ?9
WHERE id = ?1;

-- name: ListHistory :many
SELECT * FROM history
WHERE deleted_at IS NULL
ORDER BY timestamp DESC
LIMIT ?1;

-- name: ListHistoryUnique :many
SELECT id, command, max(timestamp) AS timestamp FROM history
WHERE deleted_at IS NULL
GROUP BY command
ORDER BY max(timestamp) DESC
LIMIT ?1;

-- name: LastCommand :one
SELECT * FROM history WHERE duration >= 0 AND deleted_at IS NULL ORDER BY timestamp DESC LIMIT 1;

-- name: FirstCommand :one
SELECT * FROM history WHERE deleted_at IS NULL ORDER BY timestamp ASC LIMIT 1;

-- name: HistoryCount :one
SELECT count(1) FROM history WHERE deleted_at IS NULL;

-- name: HistoryRange :many
SELECT id, timestamp, command FROM history
WHERE timestamp >= ?1 AND timestamp <= ?2 AND deleted_at IS NULL
ORDER BY timestamp ASC;

-- name: SearchPrefix :many
SELECT id, command, timestamp FROM history
WHERE command LIKE ?1 || '%' AND deleted_at IS NULL
ORDER BY timestamp DESC
LIMIT ?2;

-- name: SearchFullText :many
SELECT id, command, cwd FROM history
WHERE command LIKE '%' || ?1 || '%' AND (?2 IS NULL OR cwd = ?2) AND (?3 IS NULL OR session = ?3)
ORDER BY timestamp DESC
LIMIT 200;

-- name: SearchGlob :many
SELECT id, command FROM history WHERE command GLOB ?1 AND lower(hostname) = lower(?2);

-- name: DeleteHistory :exec
UPDATE history SET deleted_at = ?2, command = '' WHERE id = ?1;

-- name: DeleteRows :execrows
DELETE FROM history WHERE id = ?1;

-- name: StatsTopCommands :many
SELECT command, count(*) AS uses FROM history
WHERE deleted_at IS NULL
GROUP BY command
ORDER BY uses DESC
LIMIT ?1;

-- name: StatsExitCodes :many
SELECT exit, count(*) AS n, avg(duration) AS avg_duration, sum(duration) AS total_duration
FROM history GROUP BY exit ORDER BY n DESC;

-- name: SessionsOfHost :many
SELECT session, min(timestamp) AS started, max(timestamp) AS ended, count(*) AS commands
FROM history WHERE hostname = ?1 GROUP BY session ORDER BY started DESC;

-- name: DailyCounts :many
SELECT date(timestamp / 1000000000, 'unixepoch') AS day, count(*) AS commands
FROM history
WHERE deleted_at IS NULL
GROUP BY day
ORDER BY day DESC
LIMIT 30;

-- name: CommandsInDir :many
SELECT DISTINCT command FROM history WHERE cwd LIKE ?1 ESCAPE '\' AND exit = 0;

-- name: AuthorStats :many
SELECT COALESCE(author, 'unknown') AS author, author_kind, count(*) AS n
FROM history GROUP BY author, author_kind;

-- name: RecentByShell :many
SELECT shell, command, timestamp FROM history
WHERE shell IN (sqlc.slice(shells)) AND deleted_at IS NULL
ORDER BY timestamp DESC
LIMIT 50;

-- name: DedupCommands :many
SELECT id, command, timestamp FROM (
  SELECT id, command, timestamp,
         row_number() OVER (PARTITION BY command ORDER BY timestamp DESC) AS rn
  FROM history WHERE deleted_at IS NULL
) WHERE rn = 1
ORDER BY timestamp DESC;

-- name: Intents :many
SELECT intent, count(*) AS n FROM history WHERE intent IS NOT NULL GROUP BY intent;

-- name: PurgeDeleted :execrows
DELETE FROM history WHERE deleted_at IS NOT NULL AND deleted_at < ?1;

-- name: MaxTimestamp :one
SELECT max(timestamp) FROM history;

-- name: DurationBuckets :many
SELECT CASE
         WHEN duration < 1000000 THEN 'fast'
         WHEN duration < 1000000000 THEN 'normal'
         ELSE 'slow'
       END AS bucket,
       count(*) AS n
FROM history
GROUP BY bucket;
