-- Memos (note-taking) store, MySQL: queries in the style of its store/db/mysql layer.

-- name: CreateUser :execlastid
INSERT INTO `user` (`username`, `role`, `email`, `nickname`, `password_hash`, `avatar_url`, `description`)
VALUES (?, ?, ?, ?, ?, ?, ?);

-- name: GetUser :one
SELECT `id`, `username`, `role`, `email`, `nickname`, `password_hash`, `avatar_url`, `description`,
       UNIX_TIMESTAMP(`created_ts`) AS created_ts, UNIX_TIMESTAMP(`updated_ts`) AS updated_ts, `row_status`
FROM `user` WHERE `id` = ?;

-- name: GetUserByUsername :one
SELECT * FROM `user` WHERE `username` = ?;

-- name: ListUsers :many
SELECT `id`, `username`, `role`, `email`, `nickname`, `created_ts`
FROM `user`
WHERE `row_status` = ?
ORDER BY `created_ts` DESC, `row_status` DESC;

-- name: UpdateUserNickname :exec
UPDATE `user` SET `nickname` = ?, `updated_ts` = FROM_UNIXTIME(?) WHERE `id` = ?;

-- name: DeleteUser :execresult
DELETE FROM `user` WHERE `id` = ?;

-- name: UpsertUserSetting :exec
INSERT INTO `user_setting` (`user_id`, `key`, `value`) VALUES (?, ?, ?)
ON DUPLICATE KEY UPDATE `value` = VALUES(`value`);

-- name: ListUserSettings :many
SELECT `user_id`, `key`, `value` FROM `user_setting` WHERE `user_id` = ?;

-- name: CreateMemo :execlastid
INSERT INTO `memo` (`uid`, `creator_id`, `content`, `visibility`, `payload`) VALUES (?, ?, ?, ?, ?);

-- name: GetMemo :one
SELECT `id`, `uid`, `creator_id`, UNIX_TIMESTAMP(`created_ts`) AS created_ts, `row_status`, `content`,
       `visibility`, `pinned`, `payload`
FROM `memo` WHERE `uid` = ?;

-- name: ListMemos :many
SELECT `memo`.`id`, `memo`.`uid`, `memo`.`creator_id`, `memo`.`content`, `memo`.`visibility`, `memo`.`pinned`,
       `memo_relation`.`related_memo_id` AS `parent_id`
FROM `memo`
LEFT JOIN `memo_relation` ON `memo`.`id` = `memo_relation`.`memo_id` AND `memo_relation`.`type` = 'COMMENT'
WHERE `memo`.`creator_id` = ? AND `memo`.`row_status` = ?
ORDER BY `memo`.`pinned` DESC, `memo`.`created_ts` DESC
LIMIT ? OFFSET ?;

-- name: ListMemosWithTag :many
SELECT `id`, `uid`, `content` FROM `memo`
WHERE JSON_CONTAINS(JSON_EXTRACT(`payload`, '$.tags'), JSON_QUOTE(?))
ORDER BY `created_ts` DESC;

-- name: MemoTagsJson :many
SELECT `id`, JSON_EXTRACT(`payload`, '$.tags') AS tags, JSON_UNQUOTE(JSON_EXTRACT(`payload`, '$.location.placeholder')) AS place
FROM `memo` WHERE `creator_id` = ?;

-- name: MemoTaskList :many
SELECT `id` FROM `memo` WHERE JSON_VALUE(`payload`, '$.property.hasTaskList') = 'true';

-- name: CountMemosByVisibility :many
SELECT `visibility`, COUNT(*) AS count FROM `memo` WHERE `creator_id` = ? GROUP BY `visibility`;

-- name: UpdateMemoContent :execrows
UPDATE `memo` SET `content` = ?, `updated_ts` = CURRENT_TIMESTAMP WHERE `id` = ?;

-- name: PinMemo :exec
UPDATE `memo` SET `pinned` = NOT `pinned` WHERE `id` = ?;

-- name: DeleteMemo :exec
DELETE FROM `memo` WHERE `id` = ?;

-- name: MemoStats :one
SELECT COUNT(*) AS total, SUM(`pinned`) AS pinned, MIN(`created_ts`) AS first_ts, MAX(`updated_ts`) AS last_ts
FROM `memo`
WHERE `creator_id` = ? AND `row_status` = 'NORMAL';

-- name: MemoActivityByDay :many
SELECT DATE(`created_ts`) AS day, COUNT(*) AS memos
FROM `memo`
WHERE `creator_id` = ? AND `created_ts` >= ?
GROUP BY DATE(`created_ts`)
ORDER BY day;

-- name: UpsertMemoRelation :exec
INSERT IGNORE INTO `memo_relation` (`memo_id`, `related_memo_id`, `type`) VALUES (?, ?, ?);

-- name: ListMemoRelations :many
SELECT `memo_id`, `related_memo_id`, `type` FROM `memo_relation` WHERE `memo_id` = ? OR `related_memo_id` = ?;

-- name: CreateAttachment :execlastid
INSERT INTO `attachment` (`uid`, `creator_id`, `filename`, `blob`, `type`, `size`, `memo_id`, `storage_type`,
                          `reference`, `payload`)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: ListAttachments :many
SELECT `id`, `uid`, `creator_id`, `filename`, `type`, `size`, `memo_id`, `storage_type`, `reference`,
       IFNULL(LENGTH(`blob`), 0) AS blob_size
FROM `attachment`
WHERE `creator_id` = ?
ORDER BY `created_ts` DESC;

-- name: AttachmentsOfMemos :many
SELECT `id`, `memo_id`, `filename` FROM `attachment` WHERE `memo_id` IN (sqlc.slice(memo_ids));

-- name: DetachAttachments :exec
UPDATE `attachment` SET `memo_id` = NULL WHERE `memo_id` = ?;

-- name: CreateInbox :execlastid
INSERT INTO `inbox` (`sender_id`, `receiver_id`, `status`, `message`) VALUES (?, ?, ?, ?);

-- name: ListInbox :many
SELECT `id`, `created_ts`, `sender_id`, `receiver_id`, `status`, `message` FROM `inbox`
WHERE `receiver_id` = ? ORDER BY `created_ts` DESC;

-- name: UpsertReaction :exec
INSERT INTO `reaction` (`creator_id`, `memo_id`, `reaction_type`) VALUES (?, ?, ?)
ON DUPLICATE KEY UPDATE `created_ts` = CURRENT_TIMESTAMP;

-- name: ReactionCounts :many
SELECT `reaction_type`, COUNT(*) AS n, GROUP_CONCAT(`creator_id` ORDER BY `created_ts`) AS creators
FROM `reaction`
WHERE `memo_id` = ?
GROUP BY `reaction_type`;

-- name: GetSystemSetting :one
SELECT `name`, `value`, `description` FROM `system_setting` WHERE `name` = ?;

-- name: UpsertSystemSetting :exec
INSERT INTO `system_setting` (`name`, `value`, `description`) VALUES (?, ?, ?)
ON DUPLICATE KEY UPDATE `value` = VALUES(`value`), `description` = VALUES(`description`);

-- name: CreateMemoShare :execlastid
INSERT INTO `memo_share` (`uid`, `memo_id`, `creator_id`, `expires_ts`) VALUES (?, ?, ?, ?);

-- name: ActiveMemoShares :many
SELECT s.`uid`, s.`expires_ts`, m.`uid` AS memo_uid, m.`content`
FROM `memo_share` s
JOIN `memo` m ON m.`id` = s.`memo_id`
WHERE s.`creator_id` = ? AND (s.`expires_ts` IS NULL OR s.`expires_ts` > UNIX_TIMESTAMP());

-- name: LinkIdentity :exec
INSERT INTO `user_identity` (`user_id`, `provider`, `extern_uid`) VALUES (?, ?, ?)
ON DUPLICATE KEY UPDATE `updated_ts` = UNIX_TIMESTAMP();

-- name: UserByIdentity :one
SELECT u.`id`, u.`username`, u.`role`, i.`provider`, i.`extern_uid`
FROM `user_identity` i
JOIN `user` u ON u.`id` = i.`user_id`
WHERE i.`provider` = ? AND i.`extern_uid` = ?;

-- name: MemoCommentCounts :many
SELECT m.`id`, m.`uid`, COALESCE(c.n, 0) AS comment_count
FROM `memo` m
LEFT JOIN (
  SELECT `related_memo_id` AS memo_id, COUNT(*) AS n FROM `memo_relation` WHERE `type` = 'COMMENT'
  GROUP BY `related_memo_id`
) c ON c.memo_id = m.`id`
WHERE m.`creator_id` = ?;

-- name: SearchMemos :many
SELECT `id`, `uid`, `content` FROM `memo`
WHERE `content` LIKE CONCAT('%', ?, '%') AND `visibility` IN ('PUBLIC', 'PROTECTED')
ORDER BY `updated_ts` DESC
LIMIT 50;

-- name: ArchiveOldMemos :execrows
UPDATE `memo` SET `row_status` = 'ARCHIVED'
WHERE `creator_id` = ? AND `updated_ts` < DATE_SUB(NOW(), INTERVAL ? DAY) AND NOT `pinned`;
