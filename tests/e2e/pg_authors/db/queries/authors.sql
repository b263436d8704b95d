-- name: GetAuthor :one
SELECT * FROM authors WHERE id = $1;

-- name: ListAuthors :many
SELECT * FROM authors ORDER BY name;

-- Creates an author.
-- name: CreateAuthor :one
INSERT INTO authors (name, bio, settings) VALUES (@name, sqlc.narg(bio), $3) RETURNING *;

-- name: UpdateBio :execrows
UPDATE authors SET bio = sqlc.narg(bio) WHERE id = sqlc.arg(id);

-- name: DeleteAuthors :execresult
DELETE FROM authors WHERE id = ANY(sqlc.slice(ids));
