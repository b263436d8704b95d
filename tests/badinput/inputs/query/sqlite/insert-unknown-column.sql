-- name: Add :exec
INSERT INTO authors (name, nickname) VALUES (?, ?);
