-- name: PlaceOrder :execlastid
INSERT INTO `order` (customer, status, total, note, placed_at) VALUES (?, ?, ?, ?, ?);

-- name: GetOrder :one
SELECT * FROM `order` WHERE id = ?;

-- name: OrdersByStatus :many
SELECT id, customer, total FROM `order`
WHERE status IN (sqlc.slice(statuses)) AND customer = sqlc.arg(customer)
ORDER BY id;

-- name: MarkPaid :execrows
UPDATE `order` SET status = 'paid' WHERE id = ?;
