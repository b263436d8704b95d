-- OpenFGA (authorization server), PostgreSQL: tuples, models, changelog, stores.

-- name: ReadTuples :many
SELECT store, object_type, object_id, relation, _user, condition_name, condition_context, ulid, inserted_at
FROM tuple
WHERE store = $1 AND object_type = $2 AND object_id = $3 AND relation = $4
ORDER BY ulid
LIMIT $5;

-- name: ReadUsersetTuples :many
SELECT _user, condition_name, condition_context FROM tuple
WHERE store = $1 AND object_type = $2 AND object_id = $3 AND relation = $4 AND user_type = 'userset';

-- name: ReadStartingWithUser :many
SELECT object_type, object_id, relation, _user FROM tuple
WHERE store = $1 AND object_type = $2 AND relation = $3 AND _user = ANY($4::text[]);

-- name: WriteTuple :exec
INSERT INTO tuple (store, object_type, object_id, relation, _user, user_type, condition_name, condition_context,
                   ulid, inserted_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NOW());

-- name: DeleteTuple :execrows
DELETE FROM tuple WHERE store = $1 AND object_type = $2 AND object_id = $3 AND relation = $4 AND _user = $5
  AND user_type = $6;

-- name: WriteChange :copyfrom
INSERT INTO changelog (store, object_type, object_id, relation, _user, condition_name, condition_context,
                       operation, ulid, inserted_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: ReadChanges :many
SELECT ulid, object_type, object_id, relation, _user, operation, condition_name, condition_context, inserted_at
FROM changelog
WHERE store = $1 AND ($2::text = '' OR object_type = $2) AND ulid > $3 AND inserted_at < NOW() - $4::interval
ORDER BY ulid ASC
LIMIT $5;

-- name: ReadAuthorizationModel :many
SELECT schema_version, type, type_definition, serialized_protobuf
FROM authorization_model
WHERE store = $1 AND authorization_model_id = $2;

-- name: LatestAuthorizationModelId :one
SELECT authorization_model_id FROM authorization_model
WHERE store = $1
ORDER BY authorization_model_id DESC
LIMIT 1;

-- name: ListAuthorizationModelIds :many
SELECT DISTINCT authorization_model_id FROM authorization_model
WHERE store = $1 AND authorization_model_id > $2
ORDER BY authorization_model_id DESC
LIMIT $3;

-- name: WriteAuthorizationModel :exec
INSERT INTO authorization_model (store, authorization_model_id, schema_version, type, type_definition,
                                 serialized_protobuf)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: CreateStore :one
INSERT INTO store (id, name, created_at, updated_at) VALUES ($1, $2, NOW(), NOW())
RETURNING id, name, created_at, updated_at;

-- name: GetStore :one
SELECT id, name, created_at, updated_at FROM store WHERE id = $1 AND deleted_at IS NULL;

-- name: ListStores :many
SELECT id, name, created_at, updated_at FROM store
WHERE deleted_at IS NULL AND ($1::text[] IS NULL OR id = ANY($1)) AND id > $2
ORDER BY id
LIMIT $3;

-- name: DeleteStore :exec
UPDATE store SET deleted_at = NOW() WHERE id = $1;

-- name: WriteAssertions :exec
INSERT INTO assertion (store, authorization_model_id, assertions) VALUES ($1, $2, $3)
ON CONFLICT (store, authorization_model_id) DO UPDATE SET assertions = EXCLUDED.assertions;

-- name: ReadAssertions :one
SELECT assertions FROM assertion WHERE store = $1 AND authorization_model_id = $2;

-- name: CountTuplesByType :many
SELECT object_type, count(*) AS tuples, count(DISTINCT object_id) AS objects
FROM tuple WHERE store = $1 GROUP BY object_type ORDER BY tuples DESC;

-- name: ReadPage :many
SELECT store, object_type, object_id, relation, _user, ulid FROM tuple
WHERE store = $1 AND (object_type, ulid) > ($2::text, $3::text)
ORDER BY object_type, ulid
LIMIT $4;

-- name: PurgeChangelog :execrows
DELETE FROM changelog WHERE store = $1 AND inserted_at < $2;
