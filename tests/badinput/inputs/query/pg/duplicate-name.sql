-- name: GetAuthor :one
SELECT * FROM authors WHERE id = $1;

-- name: GetAuthor :one
SELECT * FROM authors WHERE name = $1;
