-- Shiori (bookmark manager), SQLite: bookmarks with an FTS5 index (bookmark_content).

-- name: InsertBookmark :one
INSERT INTO bookmark (url, title, excerpt, author, public, created_at, modified_at, has_content)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
RETURNING id;

-- name: InsertBookmarkContent :exec
INSERT INTO bookmark_content (docid, title, content, html) VALUES (?, ?, ?, ?);

-- name: UpdateBookmarkContent :exec
UPDATE bookmark_content SET title = ?, content = ?, html = ? WHERE docid = ?;

-- name: DeleteBookmarkContent :exec
DELETE FROM bookmark_content WHERE docid = ?;

-- name: GetBookmark :one
SELECT b.id, b.url, b.title, b.excerpt, b.author, b.public, b.created_at, b.modified_at, b.has_content,
       bc.content, bc.html
FROM bookmark b
LEFT JOIN bookmark_content bc ON bc.docid = b.id
WHERE b.id = ?;

-- name: SearchBookmarks :many
SELECT b.id, b.url, b.title, b.excerpt, b.author, b.public, b.modified_at
FROM bookmark b
WHERE b.id IN (SELECT docid FROM bookmark_content WHERE bookmark_content MATCH ?)
ORDER BY b.id DESC
LIMIT ? OFFSET ?;

-- name: SearchRanked :many
SELECT docid, title, rank FROM bookmark_content WHERE bookmark_content MATCH ? ORDER BY rank LIMIT 20;

-- name: SearchSnippets :many
SELECT docid, highlight(bookmark_content, 0, '<b>', '</b>') AS title,
       snippet(bookmark_content, 1, '<b>', '</b>', '…', 16) AS excerpt,
       bm25(bookmark_content) AS score
FROM bookmark_content
WHERE bookmark_content MATCH ?
ORDER BY score;

-- name: SearchTitleColumn :many
SELECT docid FROM bookmark_content WHERE title MATCH ?;

-- name: BookmarkCount :one
SELECT count(*) FROM bookmark WHERE public = ?;

-- name: DeleteBookmark :execrows
DELETE FROM bookmark WHERE id = ?;

-- name: BookmarksByIds :many
SELECT id, url, title FROM bookmark WHERE id IN (sqlc.slice(ids));

-- name: TagsOfBookmark :many
SELECT t.id, t.name FROM tag t JOIN bookmark_tag bt ON bt.tag_id = t.id WHERE bt.bookmark_id = ?;

-- name: TagsWithCount :many
SELECT t.id, t.name, count(bt.tag_id) AS bookmark_count
FROM tag t
LEFT JOIN bookmark_tag bt ON bt.tag_id = t.id
GROUP BY t.id
ORDER BY t.name;

-- name: InsertTag :one
INSERT INTO tag (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id;

-- name: LinkTag :exec
INSERT OR IGNORE INTO bookmark_tag (bookmark_id, tag_id) VALUES (?, ?);

-- name: UnlinkTag :exec
DELETE FROM bookmark_tag WHERE bookmark_id = ? AND tag_id = ?;

-- name: GetAccount :one
SELECT id, username, password, owner, config FROM account WHERE username = ?;

-- name: AccountConfigTheme :one
SELECT json_extract(config, '$.Theme') AS theme FROM account WHERE id = ?;

-- name: AccountConfigKeys :many
SELECT a.id, j.key, j.value, j.type
FROM account a, json_each(a.config) AS j
WHERE a.id = ?;

-- name: SaveAccount :one
INSERT INTO account (username, password, owner, config) VALUES (?, ?, ?, ?) RETURNING id;

-- name: UpdateAccountConfig :exec
UPDATE account SET config = json_set(config, '$.' || ?, ?) WHERE id = ?;

-- name: SchemaVersion :one
SELECT database_schema_version FROM shiori_system;

-- name: BookmarksModifiedSince :many
SELECT id, url, modified_at FROM bookmark WHERE modified_at > ? ORDER BY modified_at;

-- name: ContentStats :one
SELECT count(*) AS total, sum(has_content) AS with_content FROM bookmark;

-- name: TagsFromJson :many
SELECT value AS tag FROM json_each(?) ORDER BY value;

-- name: BookmarksWithTagNames :many
SELECT b.id, b.title, group_concat(t.name, ',') AS tags
FROM bookmark b
LEFT JOIN bookmark_tag bt ON bt.bookmark_id = b.id
LEFT JOIN tag t ON t.id = bt.tag_id
GROUP BY b.id;

-- name: OptimizeIndex :exec
INSERT INTO bookmark_content (bookmark_content) VALUES ('optimize');
