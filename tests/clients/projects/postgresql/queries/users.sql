-- Inserts a user and returns the whole row (RETURNING * → the User model).
-- name: CreateUser :one
INSERT INTO users (email, name, age, role, active, balance, score, external_id, tags, profile, avatar, birthday, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
RETURNING *;

-- name: GetUser :one
SELECT * FROM users WHERE id = $1;

-- name: GetUserByEmail :one
SELECT id, email, name FROM users WHERE email = @email;

-- name: ListUsers :many
SELECT * FROM users ORDER BY id;

-- name: ListUsersByIDs :many
SELECT id, email FROM users WHERE id = ANY(sqlc.slice(ids)) ORDER BY id;

-- name: SearchUsers :many
SELECT id, email, age, role FROM users
WHERE (sqlc.narg(min_age)::integer IS NULL OR age >= sqlc.narg(min_age)) AND role = sqlc.arg(role)
ORDER BY id;

-- name: UpdateUserName :exec
UPDATE users SET name = sqlc.narg(name), updated_at = sqlc.arg(updated_at) WHERE id = sqlc.arg(id);

-- name: DeactivateUsersOlderThan :execrows
UPDATE users SET active = FALSE WHERE age > $1;

-- name: SetUserProfile :execresult
UPDATE users SET profile = $1, avatar = $2 WHERE id = $3;

-- name: CountUsers :one
SELECT COUNT(*) AS total, SUM(balance) AS total_balance FROM users WHERE active = $1;

-- name: DeleteUser :exec
DELETE FROM users WHERE id = $1;
