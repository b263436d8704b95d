-- CopyPosts inserts many posts at once (:copyfrom); see the README for how each driver does it.
-- name: CopyPosts :copyfrom
INSERT INTO posts (user_id, title, body, views, metadata) VALUES ($1, $2, $3, $4, $5);

-- name: CopyCounters :copyfrom
INSERT INTO counters (name, value) VALUES ($1, $2);
