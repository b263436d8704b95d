-- name: GetItem :one
SELECT id, name FROM items WHERE id = $1;

-- name: ListItems :many
SELECT id, name FROM items ORDER BY id LIMIT 5;

-- name: RenameItem :exec
UPDATE items SET name = $2 WHERE id = $1;

-- name: AddItem :one
INSERT INTO items (id, name) VALUES ($1, $2) RETURNING id, name;
