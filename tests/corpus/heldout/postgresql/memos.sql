-- Memos (note-taking) store, PostgreSQL: queries in the style of its store/db/postgres layer.

-- name: CreateUser :one
INSERT INTO "user" (username, role, email, nickname, password_hash, avatar_url, description)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id, username, role, email, nickname, password_hash, avatar_url, description, created_ts, updated_ts, row_status;

-- name: GetUserByUsername :one
SELECT * FROM "user" WHERE username = $1;

-- name: ListUsers :many
SELECT id, username, role, email, nickname, avatar_url, created_ts, updated_ts, row_status
FROM "user"
WHERE ($1::text IS NULL OR role = $1)
ORDER BY created_ts DESC, row_status DESC;

-- name: UpdateUser :exec
UPDATE "user"
SET nickname = COALESCE(sqlc.narg(nickname), nickname),
    email = COALESCE(sqlc.narg(email), email),
    updated_ts = EXTRACT(EPOCH FROM NOW())::bigint
WHERE id = sqlc.arg(id);

-- name: DeleteUser :exec
DELETE FROM "user" WHERE id = $1;

-- name: UpsertUserSetting :exec
INSERT INTO user_setting (user_id, key, value) VALUES ($1, $2, $3)
ON CONFLICT (user_id, key) DO UPDATE SET value = EXCLUDED.value;

-- name: ListUserSettings :many
SELECT user_id, key, value FROM user_setting WHERE user_id = $1;

-- name: CreateMemo :one
INSERT INTO memo (uid, creator_id, content, visibility, payload)
VALUES ($1, $2, $3, $4, $5)
RETURNING id, created_ts, updated_ts, row_status, pinned;

-- name: GetMemo :one
SELECT id, uid, creator_id, created_ts, updated_ts, row_status, content, visibility, pinned, payload
FROM memo WHERE uid = $1;

-- name: ListMemos :many
SELECT memo.id, memo.uid, memo.creator_id, memo.created_ts, memo.content, memo.visibility, memo.pinned,
       memo.payload,
       memo_relation.related_memo_id AS parent_id
FROM memo
LEFT JOIN memo_relation ON memo.id = memo_relation.memo_id AND memo_relation.type = 'COMMENT'
WHERE memo.creator_id = $1 AND memo.row_status = $2
ORDER BY memo.pinned DESC, memo.created_ts DESC
LIMIT $3 OFFSET $4;

-- name: ListMemosByTag :many
SELECT id, uid, content FROM memo
WHERE payload->'tags' ? $1
ORDER BY created_ts DESC;

-- name: ListMemoTags :many
SELECT DISTINCT jsonb_array_elements_text(payload->'tags') AS tag FROM memo WHERE creator_id = $1;

-- name: MemoHasTaskList :many
SELECT id FROM memo WHERE (payload->'property'->>'hasTaskList')::boolean IS TRUE;

-- name: CountMemosByVisibility :many
SELECT visibility, count(*) AS count FROM memo WHERE creator_id = $1 GROUP BY visibility;

-- name: UpdateMemoContent :execrows
UPDATE memo SET content = $2, updated_ts = $3 WHERE id = $1;

-- name: PinMemo :exec
UPDATE memo SET pinned = NOT pinned WHERE id = $1;

-- name: DeleteMemo :exec
DELETE FROM memo WHERE id = $1;

-- name: MemoStats :one
SELECT count(*) AS total,
       count(*) FILTER (WHERE pinned) AS pinned,
       min(created_ts) AS first_ts,
       max(updated_ts) AS last_ts
FROM memo
WHERE creator_id = $1 AND row_status = 'NORMAL';

-- name: MemoActivityByDay :many
SELECT to_char(to_timestamp(created_ts), 'YYYY-MM-DD') AS day, count(*) AS memos
FROM memo
WHERE creator_id = $1 AND created_ts >= $2
GROUP BY day
ORDER BY day;

-- name: UpsertMemoRelation :exec
INSERT INTO memo_relation (memo_id, related_memo_id, type) VALUES ($1, $2, $3)
ON CONFLICT (memo_id, related_memo_id, type) DO NOTHING;

-- name: ListMemoRelations :many
SELECT memo_id, related_memo_id, type FROM memo_relation
WHERE memo_id = $1 OR related_memo_id = $1;

-- name: CreateAttachment :one
INSERT INTO attachment (uid, creator_id, filename, blob, type, size, memo_id, storage_type, reference, payload)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
RETURNING id, created_ts, updated_ts;

-- name: ListAttachments :many
SELECT id, uid, creator_id, created_ts, updated_ts, filename, type, size, memo_id, storage_type, reference, payload,
       CASE WHEN blob IS NULL THEN 0 ELSE octet_length(blob) END AS blob_size
FROM attachment
WHERE creator_id = $1 AND (memo_id = sqlc.narg(memo_id) OR sqlc.narg(memo_id) IS NULL)
ORDER BY created_ts DESC;

-- name: AttachmentsOfMemos :many
SELECT id, memo_id, filename FROM attachment WHERE memo_id = ANY($1::int[]);

-- name: DetachAttachments :exec
UPDATE attachment SET memo_id = NULL WHERE memo_id = $1;

-- name: CreateInbox :one
INSERT INTO inbox (sender_id, receiver_id, status, message) VALUES ($1, $2, $3, $4)
RETURNING *;

-- name: ListInbox :many
SELECT id, created_ts, sender_id, receiver_id, status, message FROM inbox
WHERE receiver_id = $1 AND status = ANY($2::text[])
ORDER BY created_ts DESC;

-- name: UpsertReaction :one
INSERT INTO reaction (creator_id, memo_id, reaction_type) VALUES ($1, $2, $3)
ON CONFLICT (creator_id, memo_id, reaction_type) DO UPDATE SET created_ts = EXTRACT(EPOCH FROM NOW())::bigint
RETURNING id, created_ts;

-- name: ReactionCounts :many
SELECT reaction_type, count(*)::int AS n, array_agg(creator_id ORDER BY created_ts) AS creators
FROM reaction
WHERE memo_id = $1
GROUP BY reaction_type;

-- name: GetSystemSetting :one
SELECT name, value, description FROM system_setting WHERE name = $1;

-- name: UpsertSystemSetting :exec
INSERT INTO system_setting (name, value, description) VALUES ($1, $2, $3)
ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, description = EXCLUDED.description;

-- name: CreateIdp :one
INSERT INTO idp (uid, name, type, identifier_filter, config) VALUES ($1, $2, $3, $4, $5)
RETURNING id;

-- name: IdpClientIds :many
SELECT id, name, config->>'clientId' AS client_id FROM idp WHERE type = 'OAUTH2';

-- name: CreateMemoShare :one
INSERT INTO memo_share (uid, memo_id, creator_id, expires_ts) VALUES ($1, $2, $3, $4)
RETURNING id, uid, memo_id, creator_id, created_ts, expires_ts;

-- name: ActiveMemoShares :many
SELECT s.uid, s.expires_ts, m.uid AS memo_uid, m.content
FROM memo_share s
JOIN memo m ON m.id = s.memo_id
WHERE s.creator_id = $1 AND (s.expires_ts IS NULL OR s.expires_ts > $2);

-- name: LinkIdentity :exec
INSERT INTO user_identity (user_id, provider, extern_uid) VALUES ($1, $2, $3)
ON CONFLICT (provider, extern_uid) DO UPDATE SET updated_ts = EXTRACT(EPOCH FROM NOW())::bigint;

-- name: UserByIdentity :one
SELECT u.id, u.username, u.role, i.provider, i.extern_uid
FROM user_identity i
JOIN "user" u ON u.id = i.user_id
WHERE i.provider = $1 AND i.extern_uid = $2;

-- name: MemoCommentCounts :many
WITH comments AS (
  SELECT related_memo_id AS memo_id, count(*) AS n
  FROM memo_relation
  WHERE type = 'COMMENT'
  GROUP BY related_memo_id
)
SELECT m.id, m.uid, COALESCE(c.n, 0) AS comment_count
FROM memo m
LEFT JOIN comments c ON c.memo_id = m.id
WHERE m.creator_id = $1;

-- name: SearchMemos :many
SELECT id, uid, content FROM memo
WHERE content ILIKE '%' || $1 || '%' AND visibility IN ('PUBLIC', 'PROTECTED')
ORDER BY updated_ts DESC
LIMIT 50;

-- name: ArchiveMemos :execrows
UPDATE memo SET row_status = 'ARCHIVED' WHERE creator_id = $1 AND updated_ts < $2 AND NOT pinned;
