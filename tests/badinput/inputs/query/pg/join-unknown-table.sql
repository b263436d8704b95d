-- name: Join :many
SELECT a.id FROM authors a JOIN bookz b ON b.author_id = a.id;
