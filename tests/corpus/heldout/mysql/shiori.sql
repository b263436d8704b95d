-- Shiori (bookmark manager), MySQL.

-- name: SaveBookmark :execlastid
INSERT INTO bookmark (url, title, excerpt, author, public, content, html, has_content)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON DUPLICATE KEY UPDATE title = VALUES(title), excerpt = VALUES(excerpt), author = VALUES(author),
  public = VALUES(public), content = VALUES(content), html = VALUES(html), has_content = VALUES(has_content),
  modified_at = CURRENT_TIMESTAMP;

-- name: GetBookmark :one
SELECT id, url, title, excerpt, author, public, created_at, modified_at, has_content
FROM bookmark WHERE id = ?;

-- name: SearchBookmarks :many
SELECT id, url, title, excerpt, author, public, modified_at,
       MATCH(title, excerpt, content) AGAINST (? IN BOOLEAN MODE) AS score
FROM bookmark
WHERE MATCH(title, excerpt, content) AGAINST (? IN BOOLEAN MODE)
ORDER BY score DESC
LIMIT ? OFFSET ?;

-- name: SearchBookmarksLike :many
SELECT id, url, title FROM bookmark
WHERE title LIKE CONCAT('%', ?, '%') OR excerpt LIKE CONCAT('%', ?, '%')
ORDER BY id DESC;

-- name: CountBookmarks :one
SELECT COUNT(*) FROM bookmark WHERE public = ?;

-- name: DeleteBookmarks :execrows
DELETE FROM bookmark WHERE id IN (sqlc.slice(ids));

-- name: BookmarkTags :many
SELECT bt.bookmark_id, t.id, t.name
FROM bookmark_tag bt
JOIN tag t ON t.id = bt.tag_id
WHERE bt.bookmark_id IN (sqlc.slice(bookmark_ids))
ORDER BY t.name;

-- name: TagsWithCount :many
SELECT t.id, t.name, COUNT(bt.tag_id) AS bookmark_count
FROM tag t
LEFT JOIN bookmark_tag bt ON bt.tag_id = t.id
GROUP BY t.id, t.name
ORDER BY t.name;

-- name: CreateTag :execlastid
INSERT INTO tag (name) VALUES (?);

-- name: RenameTag :exec
UPDATE tag SET name = ? WHERE id = ?;

-- name: AddTagToBookmark :exec
INSERT IGNORE INTO bookmark_tag (bookmark_id, tag_id) VALUES (?, ?);

-- name: RemoveTagFromBookmark :exec
DELETE FROM bookmark_tag WHERE bookmark_id = ? AND tag_id = ?;

-- name: GetAccount :one
SELECT id, username, password, owner, config FROM account WHERE username = ?;

-- name: ListAccounts :many
SELECT id, username, owner, config FROM account WHERE username LIKE ? ORDER BY username;

-- name: SaveAccount :execlastid
INSERT INTO account (username, password, owner, config) VALUES (?, ?, ?, ?);

-- name: UpdateAccountConfig :exec
UPDATE account SET config = JSON_MERGE_PATCH(config, ?) WHERE id = ?;

-- name: AccountTheme :one
SELECT JSON_UNQUOTE(JSON_EXTRACT(config, '$.Theme')) AS theme FROM account WHERE id = ?;

-- name: SchemaVersion :one
SELECT database_schema_version FROM shiori_system;

-- name: SetSchemaVersion :exec
UPDATE shiori_system SET database_schema_version = ?;

-- name: BookmarksModifiedSince :many
SELECT id, url, title, modified_at FROM bookmark WHERE modified_at > ? ORDER BY modified_at;

-- name: BookmarksWithoutContent :many
SELECT id, url FROM bookmark WHERE NOT has_content OR content = '' LIMIT ?;

-- name: BookmarkIdsForTags :many
SELECT bookmark_id FROM bookmark_tag
WHERE tag_id IN (SELECT id FROM tag WHERE name IN (sqlc.slice(tags)))
GROUP BY bookmark_id
HAVING COUNT(*) = ?;

-- name: BookmarkContent :one
SELECT content, html, CHAR_LENGTH(content) AS content_length FROM bookmark WHERE id = ?;

-- name: BookmarksPerMonth :many
SELECT DATE_FORMAT(created_at, '%Y-%m') AS month, COUNT(*) AS n FROM bookmark GROUP BY month ORDER BY month;
