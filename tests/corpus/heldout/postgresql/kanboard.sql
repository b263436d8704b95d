-- Kanboard (project management), PostgreSQL pg_dump schema: board, tasks, users, time tracking.

-- name: GetProject :one
SELECT id, name, is_active, token, last_modified, is_public, is_private, description, identifier, owner_id, email
FROM projects WHERE id = $1;

-- name: ActiveProjectsOfUser :many
SELECT p.id, p.name, p.identifier, pu.role
FROM projects p
JOIN project_has_users pu ON pu.project_id = p.id
WHERE pu.user_id = $1 AND p.is_active IS TRUE
ORDER BY p.name;

-- name: BoardColumns :many
SELECT c.id, c.title, c.position, c.task_limit, c.hide_in_dashboard,
       count(t.id) FILTER (WHERE t.is_active) AS open_tasks
FROM columns c
LEFT JOIN tasks t ON t.column_id = c.id
WHERE c.project_id = $1
GROUP BY c.id
ORDER BY c.position;

-- name: TasksOfColumn :many
SELECT t.id, t.title, t.color_id, t.position, t.date_due, t.priority, t.score,
       u.username AS assignee, cat.name AS category
FROM tasks t
LEFT JOIN users u ON u.id = t.owner_id
LEFT JOIN project_has_categories cat ON cat.id = t.category_id
WHERE t.project_id = $1 AND t.column_id = $2 AND t.swimlane_id = $3 AND t.is_active = true
ORDER BY t.position;

-- name: CreateTask :one
INSERT INTO tasks (title, description, project_id, column_id, swimlane_id, owner_id, creator_id, color_id,
                   date_creation, date_modification, position, priority, date_due)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, extract(epoch FROM now())::bigint, extract(epoch FROM now())::int, $9, $10, $11)
RETURNING id;

-- name: MoveTask :execrows
UPDATE tasks SET column_id = $2, position = $3, swimlane_id = $4, date_moved = $5, date_modification = $6
WHERE id = $1;

-- name: CloseTask :exec
UPDATE tasks SET is_active = false, date_completed = $2 WHERE id = $1;

-- name: OverdueTasks :many
SELECT t.id, t.title, t.date_due, p.name AS project_name, u.email
FROM tasks t
JOIN projects p ON p.id = t.project_id
LEFT JOIN users u ON u.id = t.owner_id
WHERE t.is_active = true AND t.date_due > 0 AND t.date_due < $1
ORDER BY t.date_due;

-- name: TaskTags :many
SELECT tg.id, tg.name, tg.color_id
FROM tags tg
JOIN task_has_tags tt ON tt.tag_id = tg.id
WHERE tt.task_id = $1;

-- name: TagTask :exec
INSERT INTO task_has_tags (task_id, tag_id) VALUES ($1, $2);

-- name: TaskComments :many
SELECT c.id, c.comment, c.date_creation, c.date_modification, u.username, u.name
FROM comments c
LEFT JOIN users u ON u.id = c.user_id
WHERE c.task_id = $1
ORDER BY c.date_creation;

-- name: AddComment :one
INSERT INTO comments (task_id, user_id, date_creation, comment) VALUES ($1, $2, $3, $4) RETURNING id;

-- name: SubtasksOfTask :many
SELECT id, title, status, time_estimated, time_spent, user_id, position FROM subtasks
WHERE task_id = $1 ORDER BY position;

-- name: SubtaskProgress :one
SELECT count(*) AS total,
       count(*) FILTER (WHERE status = 2) AS done,
       COALESCE(sum(time_spent), 0) AS spent,
       COALESCE(sum(time_estimated), 0) AS estimated
FROM subtasks WHERE task_id = $1;

-- name: StartTimer :exec
INSERT INTO subtask_time_tracking (user_id, subtask_id, start) VALUES ($1, $2, $3);

-- name: StopTimer :exec
UPDATE subtask_time_tracking SET "end" = $3, time_spent = ($3 - start) / 3600.0
WHERE user_id = $1 AND subtask_id = $2 AND "end" = 0;

-- name: UserTimesheet :many
SELECT st.id, s.title, t.title AS task_title, st.start, st."end", st.time_spent
FROM subtask_time_tracking st
JOIN subtasks s ON s.id = st.subtask_id
JOIN tasks t ON t.id = s.task_id
WHERE st.user_id = $1 AND st.start BETWEEN $2 AND $3
ORDER BY st.start DESC;

-- name: GetUserByUsername :one
SELECT id, username, password, is_ldap_user, name, email, role, is_active, twofactor_activated, nb_failed_login,
       lock_expiration_date
FROM users WHERE username = $1;

-- name: IncrementFailedLogins :exec
UPDATE users SET nb_failed_login = nb_failed_login + 1 WHERE username = $1;

-- name: LockUser :exec
UPDATE users SET lock_expiration_date = $2 WHERE username = $1;

-- name: UsersOfGroup :many
SELECT u.id, u.username, u.name FROM users u
JOIN group_has_users gu ON gu.user_id = u.id
WHERE gu.group_id = $1;

-- name: GroupsWithMembers :many
SELECT g.id, g.name, g.external_id, count(gu.user_id) AS members
FROM groups g
LEFT JOIN group_has_users gu ON gu.group_id = g.id
GROUP BY g.id, g.name, g.external_id;

-- name: ProjectActivity :many
SELECT a.id, a.date_creation, a.event_name, a.data, u.username AS creator
FROM project_activities a
LEFT JOIN users u ON u.id = a.creator_id
WHERE a.project_id = $1
ORDER BY a.date_creation DESC
LIMIT $2;

-- name: PurgeActivity :execrows
DELETE FROM project_activities WHERE date_creation < $1;

-- name: GetSession :one
SELECT data FROM sessions WHERE id = $1 AND expire_at > $2;

-- name: WriteSession :exec
INSERT INTO sessions (id, expire_at, data) VALUES ($1, $2, $3)
ON CONFLICT (id) DO UPDATE SET expire_at = EXCLUDED.expire_at, data = EXCLUDED.data;

-- name: GetSetting :one
SELECT value FROM settings WHERE option = $1;

-- name: AllSettings :many
SELECT option, value FROM settings ORDER BY option;

-- name: ProjectTaskCounts :many
SELECT project_id,
       sum(CASE WHEN is_active THEN 1 ELSE 0 END) AS open,
       sum(CASE WHEN is_active THEN 0 ELSE 1 END) AS closed
FROM tasks
GROUP BY project_id;

-- name: SwimlanesOfProject :many
SELECT id, name, position, is_active, description FROM swimlanes WHERE project_id = $1 ORDER BY position;

-- name: TaskSearch :many
SELECT id, title FROM tasks
WHERE project_id = $1 AND (title ILIKE '%' || @term::text || '%' OR reference = @term)
ORDER BY id DESC;

-- name: ReorderColumn :exec
UPDATE columns SET position = position + 1 WHERE project_id = $1 AND position >= $2;

-- name: TasksDueThisWeek :many
SELECT id, title, to_timestamp(date_due) AS due
FROM tasks
WHERE owner_id = $1 AND is_active AND to_timestamp(date_due) < now() + interval '7 days';

-- name: DuplicateProjectCategories :exec
INSERT INTO project_has_categories (name, project_id, description, color_id)
SELECT name, $2, description, color_id FROM project_has_categories WHERE project_id = $1;
