-- name: ByBio :many
SELECT id FROM authors WHERE biography = ?;
