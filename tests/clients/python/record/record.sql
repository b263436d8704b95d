-- Queries only the rows = "record" run of run.sh adds to the shared PostgreSQL project.

-- name: GetPostWithAuthor :one
SELECT sqlc.embed(users), posts.title, posts.metadata FROM posts JOIN users ON users.id = posts.user_id WHERE posts.id = $1;

-- name: ListArrays :many
SELECT u.id, u.tags, ARRAY[u.external_id] AS ids, ARRAY[u.role] AS roles FROM users u ORDER BY u.id;
