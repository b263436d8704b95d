-- name: GetAuthor :one
SELECT * FROM authors WHERE id = ?;

-- name: GetAuthor :one
SELECT * FROM authors WHERE name = ?;
