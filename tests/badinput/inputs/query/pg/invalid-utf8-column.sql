-- name: Bad :many
SELECT café FROM authors;
