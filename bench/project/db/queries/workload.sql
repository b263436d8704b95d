-- The benchmark workload. Every contender sends exactly this SQL text (bench/sql.json is
-- extracted from this file by bench/harness.py), except the Drizzle/Prisma query-builder paths.

-- name: CreateUser :exec
INSERT INTO users (name, email, address, isadmin) VALUES ($1, $2, $3, $4);

-- name: CreateCategory :exec
INSERT INTO categories (name) VALUES ($1);

-- name: CreatePost :exec
INSERT INTO posts (user_id, category_id, title, content) VALUES ($1, $2, $3, $4);

-- name: CreateComment :exec
INSERT INTO comments (post_id, user_id, content) VALUES ($1, $2, $3);

-- name: GetActiveUsersWithStats :many
WITH user_posts AS (
  SELECT user_id, COUNT(*) AS post_count, MAX(created_at) AS latest_post
  FROM posts
  GROUP BY user_id
), user_comments AS (
  SELECT user_id, COUNT(*) AS comment_count
  FROM comments
  GROUP BY user_id
)
SELECT u.id, u.name, u.email, up.post_count, up.latest_post, uc.comment_count
FROM users u
JOIN user_posts up ON up.user_id = u.id
JOIN user_comments uc ON uc.user_id = u.id
ORDER BY up.post_count DESC;

-- name: GetTopActiveUsers :many
WITH user_posts AS (
  SELECT user_id, COUNT(*) AS post_count, MAX(created_at) AS latest_post
  FROM posts
  GROUP BY user_id
), user_comments AS (
  SELECT user_id, COUNT(*) AS comment_count
  FROM comments
  GROUP BY user_id
)
SELECT u.id, u.name, u.email, up.post_count, up.latest_post, uc.comment_count
FROM users u
JOIN user_posts up ON up.user_id = u.id
JOIN user_comments uc ON uc.user_id = u.id
ORDER BY up.post_count DESC
LIMIT 10;

-- name: GetUserEmail :one
SELECT email FROM users WHERE id = $1;

-- name: GetUserIsAdmin :one
SELECT isadmin FROM users WHERE id = $1;

-- name: GetUserName :one
SELECT name FROM users WHERE id = $1;
