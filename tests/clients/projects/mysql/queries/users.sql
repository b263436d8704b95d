-- Inserts a user and returns its AUTO_INCREMENT id (MySQL has no RETURNING).
-- name: CreateUser :execlastid
INSERT INTO users (email, name, age, role, active, balance, score, external_id, profile, avatar, birthday, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: GetUser :one
SELECT * FROM users WHERE id = ?;

-- name: GetUserByEmail :one
SELECT id, email, name FROM users WHERE email = sqlc.arg(email);

-- name: ListUsers :many
SELECT * FROM users ORDER BY id;

-- name: ListUsersByIDs :many
SELECT id, email FROM users WHERE id IN (sqlc.slice(ids)) ORDER BY id;

-- name: SearchUsers :many
SELECT id, email, age, role FROM users
WHERE (sqlc.narg(min_age) IS NULL OR age >= sqlc.narg(min_age)) AND role = sqlc.arg(role)
ORDER BY id;

-- name: UpdateUserName :exec
UPDATE users SET name = sqlc.narg(name), updated_at = sqlc.arg(updated_at) WHERE id = sqlc.arg(id);

-- name: DeactivateUsersOlderThan :execrows
UPDATE users SET active = FALSE WHERE age > ?;

-- name: SetUserProfile :execresult
UPDATE users SET profile = ?, avatar = ? WHERE id = ?;

-- name: CountUsers :one
SELECT COUNT(*) AS total, SUM(balance) AS total_balance FROM users WHERE active = ?;

-- name: DeleteUser :exec
DELETE FROM users WHERE id = ?;
