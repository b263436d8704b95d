-- Kanboard (project management), MySQL dump schema.

-- name: GetProject :one
SELECT id, name, is_active, token, last_modified, is_public, is_private, description, identifier, owner_id
FROM projects WHERE id = ?;

-- name: ActiveProjectsOfUser :many
SELECT p.id, p.name, p.identifier, pu.role
FROM projects p
JOIN project_has_users pu ON pu.project_id = p.id
WHERE pu.user_id = ? AND p.is_active = 1
ORDER BY p.name;

-- name: BoardColumns :many
SELECT c.id, c.title, c.position, c.task_limit, c.hide_in_dashboard,
       SUM(CASE WHEN t.is_active = 1 THEN 1 ELSE 0 END) AS open_tasks
FROM `columns` c
LEFT JOIN tasks t ON t.column_id = c.id
WHERE c.project_id = ?
GROUP BY c.id, c.title, c.position, c.task_limit, c.hide_in_dashboard
ORDER BY c.position;

-- name: TasksOfColumn :many
SELECT t.id, t.title, t.color_id, t.position, t.date_due, t.priority, t.score,
       u.username AS assignee, cat.name AS category
FROM tasks t
LEFT JOIN users u ON u.id = t.owner_id
LEFT JOIN project_has_categories cat ON cat.id = t.category_id
WHERE t.project_id = ? AND t.column_id = ? AND t.swimlane_id = ? AND t.is_active = 1
ORDER BY t.position;

-- name: CreateTask :execlastid
INSERT INTO tasks (title, description, project_id, column_id, swimlane_id, owner_id, creator_id, color_id,
                   date_creation, date_modification, position, priority, date_due)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, UNIX_TIMESTAMP(), UNIX_TIMESTAMP(), ?, ?, ?);

-- name: MoveTask :execrows
UPDATE tasks SET column_id = ?, position = ?, swimlane_id = ?, date_moved = ?, date_modification = ?
WHERE id = ?;

-- name: CloseTask :exec
UPDATE tasks SET is_active = 0, date_completed = ? WHERE id = ?;

-- name: OverdueTasks :many
SELECT t.id, t.title, t.date_due, p.name AS project_name, u.email
FROM tasks t
JOIN projects p ON p.id = t.project_id
LEFT JOIN users u ON u.id = t.owner_id
WHERE t.is_active = 1 AND t.date_due > 0 AND t.date_due < ?
ORDER BY t.date_due;

-- name: TaskTags :many
SELECT tg.id, tg.name, tg.color_id
FROM tags tg
JOIN task_has_tags tt ON tt.tag_id = tg.id
WHERE tt.task_id = ?;

-- name: TagTask :exec
INSERT INTO task_has_tags (task_id, tag_id) VALUES (?, ?);

-- name: TaskComments :many
SELECT c.id, c.comment, c.date_creation, c.date_modification, u.username, u.name
FROM comments c
LEFT JOIN users u ON u.id = c.user_id
WHERE c.task_id = ?
ORDER BY c.date_creation;

-- name: AddComment :execlastid
INSERT INTO comments (task_id, user_id, date_creation, comment) VALUES (?, ?, ?, ?);

-- name: SubtasksOfTask :many
SELECT id, title, status, time_estimated, time_spent, user_id, position FROM subtasks
WHERE task_id = ? ORDER BY position;

-- name: SubtaskProgress :one
SELECT COUNT(*) AS total,
       SUM(status = 2) AS done,
       COALESCE(SUM(time_spent), 0) AS spent,
       COALESCE(SUM(time_estimated), 0) AS estimated
FROM subtasks WHERE task_id = ?;

-- name: StartTimer :exec
INSERT INTO subtask_time_tracking (user_id, subtask_id, start) VALUES (?, ?, ?);

-- name: StopTimer :exec
UPDATE subtask_time_tracking SET `end` = ?, time_spent = (? - start) / 3600
WHERE user_id = ? AND subtask_id = ? AND `end` = 0;

-- name: UserTimesheet :many
SELECT st.id, s.title, t.title AS task_title, st.start, st.`end`, st.time_spent
FROM subtask_time_tracking st
JOIN subtasks s ON s.id = st.subtask_id
JOIN tasks t ON t.id = s.task_id
WHERE st.user_id = ? AND st.start BETWEEN ? AND ?
ORDER BY st.start DESC;

-- name: GetUserByUsername :one
SELECT id, username, password, is_ldap_user, name, email, role, is_active, twofactor_activated, nb_failed_login,
       lock_expiration_date
FROM users WHERE username = ?;

-- name: IncrementFailedLogins :exec
UPDATE users SET nb_failed_login = nb_failed_login + 1 WHERE username = ?;

-- name: UsersOfGroup :many
SELECT u.id, u.username, u.name FROM users u
JOIN group_has_users gu ON gu.user_id = u.id
WHERE gu.group_id = ?;

-- name: GroupsWithMembers :many
SELECT g.id, g.name, g.external_id, COUNT(gu.user_id) AS members
FROM `groups` g
LEFT JOIN group_has_users gu ON gu.group_id = g.id
GROUP BY g.id, g.name, g.external_id;

-- name: ProjectActivity :many
SELECT a.id, a.date_creation, a.event_name, a.data, u.username AS creator
FROM project_activities a
LEFT JOIN users u ON u.id = a.creator_id
WHERE a.project_id = ?
ORDER BY a.date_creation DESC
LIMIT ?;

-- name: PurgeActivity :execrows
DELETE FROM project_activities WHERE date_creation < ?;

-- name: GetSession :one
SELECT data FROM sessions WHERE id = ? AND expire_at > ?;

-- name: WriteSession :exec
REPLACE INTO sessions (id, expire_at, data) VALUES (?, ?, ?);

-- name: GetSetting :one
SELECT value FROM settings WHERE `option` = ?;

-- name: ProjectTaskCounts :many
SELECT project_id, SUM(is_active = 1) AS open, SUM(is_active = 0) AS closed
FROM tasks
GROUP BY project_id;

-- name: SwimlanesOfProject :many
SELECT id, name, position, is_active, description FROM swimlanes WHERE project_id = ? ORDER BY position;

-- name: TaskSearch :many
SELECT id, title FROM tasks
WHERE project_id = ? AND (title LIKE CONCAT('%', ?, '%') OR reference = ?)
ORDER BY id DESC;

-- name: TasksDueThisWeek :many
SELECT id, title, FROM_UNIXTIME(date_due) AS due
FROM tasks
WHERE owner_id = ? AND is_active = 1 AND date_due < UNIX_TIMESTAMP(NOW() + INTERVAL 7 DAY);

-- name: DuplicateProjectCategories :exec
INSERT INTO project_has_categories (name, project_id, description, color_id)
SELECT name, ?, description, color_id FROM project_has_categories WHERE project_id = ?;

-- name: LastLogins :many
SELECT id, auth_type, ip, user_agent, date_creation FROM last_logins WHERE user_id = ? ORDER BY id DESC LIMIT 10;
