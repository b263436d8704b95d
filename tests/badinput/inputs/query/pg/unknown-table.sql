-- name: GetUser :one
SELECT * FROM userz WHERE id = $1;
