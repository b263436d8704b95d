-- name: GetAuthor :one
SELECT id, nmae FROM authors WHERE id = $1;
