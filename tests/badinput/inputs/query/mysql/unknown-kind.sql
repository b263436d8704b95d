-- name: GetAuthor :onee
SELECT * FROM authors WHERE id = ?;
