-- CopyPosts inserts many posts at once (:copyfrom); see the README for how each driver does it.
-- name: CopyPosts :copyfrom
INSERT INTO posts (user_id, title, body, views, metadata) VALUES (?, ?, ?, ?, ?);

-- name: CopyCounters :copyfrom
INSERT INTO counters (name, value) VALUES (?, ?);
