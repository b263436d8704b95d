-- name: BooksWithAuthors :many
SELECT b.id, b.title, b.genre, b.price, a.name AS author
FROM books b LEFT JOIN authors a ON a.id = b.author_id
WHERE b.genre = $1;

-- name: CountBooks :one
SELECT COUNT(*) FROM books;

-- name: DeleteBook :exec
DELETE FROM books WHERE id = $1;
