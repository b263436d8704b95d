-- OpenFGA (authorization server), SQLite: tuples keyed by the user's object type, id and relation.

-- name: ReadTuples :many
SELECT store, object_type, object_id, relation, user_object_type, user_object_id, user_relation,
       condition_name, condition_context, ulid, inserted_at
FROM tuple
WHERE store = ? AND object_type = ? AND object_id = ? AND relation = ?
ORDER BY ulid
LIMIT ?;

-- name: ReadUsersetTuples :many
SELECT user_object_type, user_object_id, user_relation, condition_name, condition_context FROM tuple
WHERE store = ? AND object_type = ? AND object_id = ? AND relation = ? AND user_type = 'userset'
  AND user_object_type IN (sqlc.slice(types));

-- name: ReadStartingWithUser :many
SELECT object_type, object_id, relation,
       user_object_type || ':' || user_object_id || CASE WHEN user_relation = '' THEN '' ELSE '#' || user_relation END
         AS user
FROM tuple
WHERE store = ? AND object_type = ? AND relation = ? AND user_object_type = ? AND user_object_id = ?;

-- name: WriteTuple :exec
INSERT INTO tuple (store, object_type, object_id, relation, user_object_type, user_object_id, user_relation,
                   user_type, condition_name, condition_context, ulid, inserted_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, datetime('now'));

-- name: DeleteTuple :execrows
DELETE FROM tuple
WHERE store = ? AND object_type = ? AND object_id = ? AND relation = ?
  AND user_object_type = ? AND user_object_id = ? AND user_relation = ?;

-- name: WriteChange :exec
INSERT INTO changelog (store, object_type, object_id, relation, user_object_type, user_object_id, user_relation,
                       condition_name, condition_context, operation, ulid, inserted_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP);

-- name: ReadChanges :many
SELECT ulid, object_type, object_id, relation, user_object_type, user_object_id, user_relation, operation,
       condition_name, condition_context, inserted_at
FROM changelog
WHERE store = ?1 AND (?2 = '' OR object_type = ?2) AND ulid > ?3
ORDER BY ulid ASC
LIMIT ?4;

-- name: ReadAuthorizationModel :one
SELECT schema_version, serialized_protobuf FROM authorization_model
WHERE store = ? AND authorization_model_id = ?;

-- name: LatestAuthorizationModel :one
SELECT authorization_model_id, schema_version, serialized_protobuf FROM authorization_model
WHERE store = ?
ORDER BY authorization_model_id DESC
LIMIT 1;

-- name: WriteAuthorizationModel :exec
INSERT INTO authorization_model (store, authorization_model_id, schema_version, serialized_protobuf)
VALUES (?, ?, ?, ?);

-- name: CreateStore :one
INSERT INTO store (id, name, created_at, updated_at) VALUES (?, ?, datetime('now'), datetime('now'))
RETURNING id, name, created_at, updated_at;

-- name: GetStore :one
SELECT id, name, created_at, updated_at FROM store WHERE id = ? AND deleted_at IS NULL;

-- name: ListStores :many
SELECT id, name, created_at, updated_at FROM store
WHERE deleted_at IS NULL AND id > ?
ORDER BY id
LIMIT ?;

-- name: DeleteStore :exec
UPDATE store SET deleted_at = datetime('now') WHERE id = ?;

-- name: WriteAssertions :exec
INSERT INTO assertion (store, authorization_model_id, assertions) VALUES (?, ?, ?)
ON CONFLICT (store, authorization_model_id) DO UPDATE SET assertions = excluded.assertions;

-- name: ReadAssertions :one
SELECT assertions FROM assertion WHERE store = ? AND authorization_model_id = ?;

-- name: CountTuplesByType :many
SELECT object_type, count(*) AS tuples, count(DISTINCT object_id) AS objects
FROM tuple WHERE store = ? GROUP BY object_type ORDER BY tuples DESC;

-- name: PurgeChangelog :execrows
DELETE FROM changelog WHERE store = ? AND inserted_at < ?;

-- name: StoreUlidPage :many
SELECT ulid, object_type, object_id FROM tuple WHERE store = ? AND ulid > ? ORDER BY ulid LIMIT ?;
