-- name: CreatePost :one
INSERT INTO posts (user_id, title, body, metadata, published_at)
VALUES ($1, $2, $3, $4, $5)
RETURNING id;

-- name: GetPostMetadata :one
SELECT id, metadata FROM posts WHERE id = $1;

-- name: ListPostsWithAuthors :many
SELECT p.id, p.title, p.views, u.email AS author_email
FROM posts p
JOIN users u ON u.id = p.user_id
ORDER BY p.id;

-- LEFT JOIN: the post columns are nullable in the result.
-- name: ListUsersWithPosts :many
SELECT u.id, u.email, p.id AS post_id, p.title AS post_title
FROM users u
LEFT JOIN posts p ON p.user_id = u.id
ORDER BY u.id, p.id;

-- name: CountPostsPerUser :many
SELECT user_id, COUNT(*) AS post_count, SUM(views) AS total_views
FROM posts
GROUP BY user_id
ORDER BY user_id;

-- name: PublishPost :execrows
UPDATE posts SET published_at = $1 WHERE id = $2 AND published_at IS NULL;

-- name: DeletePostsByUser :execrows
DELETE FROM posts WHERE user_id = $1;
