-- name: AddNote :one
INSERT INTO notes (title, body, pinned) VALUES (@title, @body, @pinned) RETURNING id;

-- name: Search :many
SELECT id, title, body FROM notes
WHERE title LIKE @pattern OR body LIKE @pattern OR id IN (sqlc.slice(ids))
ORDER BY id;

-- name: Rate :exec
UPDATE notes SET rating = ?1, updated_at = ?2 WHERE id = ?3;

-- name: Latest :one
SELECT * FROM notes ORDER BY id DESC LIMIT 1;
