-- name: ByName :many
SELECT * FROM authors WHERE name = 'x;
