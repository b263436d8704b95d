-- name: Add :exec
INSERT INTO authors (name, nickname) VALUES ($1, $1);
