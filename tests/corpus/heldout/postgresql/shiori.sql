-- Shiori (bookmark manager), PostgreSQL.

-- name: SaveBookmark :one
INSERT INTO bookmark (url, title, excerpt, author, public, content, html, has_content, modified_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (url) DO UPDATE SET
  title = EXCLUDED.title, excerpt = EXCLUDED.excerpt, author = EXCLUDED.author, public = EXCLUDED.public,
  content = EXCLUDED.content, html = EXCLUDED.html, has_content = EXCLUDED.has_content,
  modified_at = EXCLUDED.modified_at
RETURNING id;

-- name: GetBookmark :one
SELECT id, url, title, excerpt, author, public, created_at, modified_at, has_content
FROM bookmark WHERE id = $1 OR (url = $2 AND url <> '');

-- name: SearchBookmarks :many
SELECT DISTINCT b.id, b.url, b.title, b.excerpt, b.author, b.public, b.modified_at, b.has_content
FROM bookmark b
LEFT JOIN bookmark_tag bt ON bt.bookmark_id = b.id
LEFT JOIN tag t ON t.id = bt.tag_id
WHERE (b.title ILIKE '%' || @keyword::text || '%' OR b.excerpt ILIKE '%' || @keyword || '%'
       OR to_tsvector('english', b.content) @@ plainto_tsquery('english', @keyword))
  AND (@public_only::boolean IS FALSE OR b.public = 1)
ORDER BY b.modified_at DESC
LIMIT @page_size OFFSET @page_offset;

-- name: CountBookmarks :one
SELECT count(*) FROM bookmark WHERE public = $1;

-- name: DeleteBookmarks :execrows
DELETE FROM bookmark WHERE id = ANY($1::int[]);

-- name: BookmarkTags :many
SELECT bt.bookmark_id, t.id, t.name
FROM bookmark_tag bt
JOIN tag t ON t.id = bt.tag_id
WHERE bt.bookmark_id = ANY($1::int[])
ORDER BY t.name;

-- name: TagsWithCount :many
SELECT t.id, t.name, count(bt.tag_id) AS bookmark_count
FROM tag t
LEFT JOIN bookmark_tag bt ON bt.tag_id = t.id
GROUP BY t.id, t.name
ORDER BY t.name;

-- name: CreateTag :one
INSERT INTO tag (name) VALUES ($1)
ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
RETURNING id, name;

-- name: RenameTag :exec
UPDATE tag SET name = $2 WHERE id = $1;

-- name: AddTagToBookmark :exec
INSERT INTO bookmark_tag (bookmark_id, tag_id) VALUES ($1, $2) ON CONFLICT DO NOTHING;

-- name: RemoveTagFromBookmark :exec
DELETE FROM bookmark_tag WHERE bookmark_id = $1 AND tag_id = $2;

-- name: GetAccount :one
SELECT id, username, password, owner, config FROM account WHERE username = $1;

-- name: ListAccounts :many
SELECT id, username, owner, config FROM account
WHERE username ILIKE $1
ORDER BY username;

-- name: SaveAccount :one
INSERT INTO account (username, password, owner, config) VALUES ($1, $2, $3, $4)
RETURNING id;

-- name: UpdateAccountConfig :exec
UPDATE account SET config = config || $2::jsonb WHERE id = $1;

-- name: AccountTheme :one
SELECT config->>'Theme' AS theme, (config->>'ShowId')::boolean AS show_id FROM account WHERE id = $1;

-- name: DeleteAccounts :execrows
DELETE FROM account WHERE id IN (sqlc.slice(ids));

-- name: SchemaVersion :one
SELECT database_schema_version FROM shiori_system;

-- name: SetSchemaVersion :exec
UPDATE shiori_system SET database_schema_version = $1;

-- name: BookmarksModifiedSince :many
SELECT id, url, title, modified_at FROM bookmark WHERE modified_at > $1 ORDER BY modified_at;

-- name: BookmarksWithoutContent :many
SELECT id, url FROM bookmark WHERE NOT has_content OR content = '' LIMIT $1;

-- name: BookmarkIdsForTags :many
SELECT bookmark_id FROM bookmark_tag
WHERE tag_id IN (SELECT id FROM tag WHERE name = ANY(@tags::text[]))
GROUP BY bookmark_id
HAVING count(*) = cardinality(@tags::text[]);

-- name: LatestBookmarkPerAuthor :many
SELECT DISTINCT ON (author) author, id, title, created_at
FROM bookmark
WHERE author <> ''
ORDER BY author, created_at DESC;

-- name: BookmarkContent :one
SELECT content, html, length(content) AS content_length FROM bookmark WHERE id = $1;
