-- name: Two :exec
DELETE FROM books; DELETE FROM authors;
