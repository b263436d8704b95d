-- name: GetAuthor
SELECT * FROM authors WHERE id = ?;
