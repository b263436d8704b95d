-- OpenFGA (authorization server), MySQL.

-- name: ReadTuples :many
SELECT store, object_type, object_id, relation, _user, condition_name, condition_context, ulid, inserted_at
FROM tuple
WHERE store = ? AND object_type = ? AND object_id = ? AND relation = ?
ORDER BY ulid
LIMIT ?;

-- name: ReadStartingWithUser :many
SELECT object_type, object_id, relation, _user FROM tuple
WHERE store = ? AND object_type = ? AND relation = ? AND _user IN (sqlc.slice(users));

-- name: WriteTuple :exec
INSERT INTO tuple (store, object_type, object_id, relation, _user, user_type, condition_name, condition_context,
                   ulid, inserted_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NOW());

-- name: DeleteTuple :execrows
DELETE FROM tuple WHERE store = ? AND object_type = ? AND object_id = ? AND relation = ? AND _user = ?
  AND user_type = ?;

-- name: WriteChange :exec
INSERT INTO changelog (store, object_type, object_id, relation, _user, condition_name, condition_context,
                       operation, ulid, inserted_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NOW());

-- name: ReadChanges :many
SELECT ulid, object_type, object_id, relation, _user, operation, condition_name, condition_context, inserted_at
FROM changelog
WHERE store = ? AND object_type = ? AND ulid > ? AND inserted_at < NOW() - INTERVAL ? SECOND
ORDER BY ulid ASC
LIMIT ?;

-- name: ReadAuthorizationModel :many
SELECT schema_version, type, type_definition, serialized_protobuf
FROM authorization_model
WHERE store = ? AND authorization_model_id = ?;

-- name: LatestAuthorizationModelId :one
SELECT authorization_model_id FROM authorization_model WHERE store = ? ORDER BY authorization_model_id DESC LIMIT 1;

-- name: WriteAuthorizationModel :exec
INSERT INTO authorization_model (store, authorization_model_id, schema_version, type, type_definition,
                                 serialized_protobuf)
VALUES (?, ?, ?, ?, ?, ?);

-- name: CreateStore :exec
INSERT INTO store (id, name, created_at, updated_at) VALUES (?, ?, NOW(), NOW());

-- name: GetStore :one
SELECT id, name, created_at, updated_at FROM store WHERE id = ? AND deleted_at IS NULL;

-- name: ListStores :many
SELECT id, name, created_at, updated_at FROM store WHERE deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?;

-- name: DeleteStore :exec
UPDATE store SET deleted_at = NOW() WHERE id = ?;

-- name: WriteAssertions :exec
INSERT INTO assertion (store, authorization_model_id, assertions) VALUES (?, ?, ?)
ON DUPLICATE KEY UPDATE assertions = VALUES(assertions);

-- name: ReadAssertions :one
SELECT assertions FROM assertion WHERE store = ? AND authorization_model_id = ?;

-- name: CountTuplesByType :many
SELECT object_type, COUNT(*) AS tuples, COUNT(DISTINCT object_id) AS objects
FROM tuple WHERE store = ? GROUP BY object_type ORDER BY tuples DESC;

-- name: PurgeChangelog :execrows
DELETE FROM changelog WHERE store = ? AND inserted_at < ? LIMIT ?;
