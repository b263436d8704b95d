-- Atuin client record store (SQLite).

-- name: PushRecord :exec
INSERT INTO store (id, idx, host, tag, timestamp, version, data, cek) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8);

-- name: GetRecord :one
SELECT * FROM store WHERE id = ?1;

-- name: LastRecord :one
SELECT * FROM store WHERE host = ?1 AND tag = ?2 ORDER BY idx DESC LIMIT 1;

-- name: FirstRecord :one
SELECT * FROM store WHERE host = ?1 AND tag = ?2 AND idx = 0;

-- name: RecordLen :one
SELECT max(idx) + 1 AS len FROM store WHERE host = ?1 AND tag = ?2;

-- name: LenTag :one
SELECT count(*) FROM store WHERE tag = ?1;

-- name: NextRecord :one
SELECT * FROM store WHERE host = ?1 AND tag = ?2 AND idx = ?3 + 1;

-- name: RecordsFrom :many
SELECT * FROM store WHERE host = ?1 AND tag = ?2 AND idx >= ?3 ORDER BY idx ASC LIMIT ?4;

-- name: AllTagged :many
SELECT * FROM store WHERE tag = ?1 ORDER BY timestamp ASC;

-- name: Status :many
SELECT host, tag, max(idx) AS idx FROM store GROUP BY host, tag;

-- name: DeleteRecord :exec
DELETE FROM store WHERE id = ?1;

-- name: DeleteAll :exec
DELETE FROM store;

-- name: ReencryptRecord :exec
UPDATE store SET data = ?2, cek = ?3, version = ?4 WHERE id = ?1;

-- name: Hosts :many
SELECT DISTINCT host FROM store ORDER BY host;

-- name: RecordSizes :many
SELECT tag, sum(length(data)) AS bytes, count(*) AS records FROM store GROUP BY tag;

-- name: KvGet :one
SELECT value FROM kv WHERE namespace = ?1 AND key = ?2;

-- name: KvSet :exec
INSERT INTO kv (namespace, key, value) VALUES (?1, ?2, ?3)
ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, inserted_at = strftime('%s', 'now');

-- name: KvList :many
SELECT key, value, inserted_at FROM kv WHERE namespace = ?1 ORDER BY key;

-- name: KvNamespaces :many
SELECT namespace, count(*) AS keys FROM kv GROUP BY namespace;

-- name: KvDelete :execrows
DELETE FROM kv WHERE namespace = ?1 AND key = ?2;
