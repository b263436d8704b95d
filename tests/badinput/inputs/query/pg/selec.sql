-- name: GetAuthor :one
SELEC * FROM authors WHERE id = $1;
