-- The benchmark's rows for the tools that measure operations, not phases (bench/node seed():
-- cte_profile.mjs, phase_ab.mjs; bench/go cmd/bench-ab; bench/python/ab.py; bench/cpp/ab.cpp): one
-- INSERT … SELECT generate_series per table, created_at from clock_timestamp() so that timestamps
-- differ per row as in the workload; the CTE then returns {users} rows with counts 5 and 15. Each tool
-- replaces {users}, {categories}, {posts} and {comments} with the workload's counts at BENCH_SCALE,
-- sends the text as one simple query and then runs VACUUM ANALYZE (which cannot run inside it).
TRUNCATE users, categories, posts, comments RESTART IDENTITY CASCADE;
INSERT INTO users (name, email, address, isadmin, created_at)
  SELECT 'User ' || i, 'user' || i || '@test.com', 'Address ' || i, i % 5 = 0, clock_timestamp()
  FROM generate_series(0, {users} - 1) i;
INSERT INTO categories (name) SELECT 'Category ' || i FROM generate_series(0, {categories} - 1) i;
INSERT INTO posts (user_id, category_id, title, content, created_at)
  SELECT i % {users} + 1, i % {categories} + 1, 'Post ' || i, repeat('Content ' || i || '...', 3), clock_timestamp()
  FROM generate_series(0, {posts} - 1) i;
INSERT INTO comments (post_id, user_id, content, created_at)
  SELECT i % {posts} + 1, i % {users} + 1, 'Comment ' || i, clock_timestamp()
  FROM generate_series(0, {comments} - 1) i;
