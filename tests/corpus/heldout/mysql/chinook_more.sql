-- Chinook: less common but valid MySQL/MariaDB forms.

-- name: NullSafeEquals :many
SELECT CustomerId FROM Customer WHERE Company <=> ?;

-- name: StraightJoin :many
SELECT STRAIGHT_JOIN a.Title, ar.Name FROM Album a JOIN Artist ar ON ar.ArtistId = a.ArtistId WHERE a.AlbumId < ?;

-- name: ForceIndex :many
SELECT TrackId FROM Track FORCE INDEX (PRIMARY) WHERE TrackId > ? LIMIT 10;

-- name: SharedLock :one
SELECT InvoiceId FROM Invoice WHERE InvoiceId = ? LOCK IN SHARE MODE;

-- name: CteRecursiveCounter :many
WITH RECURSIVE n AS (SELECT 1 AS x UNION ALL SELECT x + 1 FROM n WHERE x < ?) SELECT x FROM n;

-- name: JsonObjectAgg :one
SELECT JSON_OBJECTAGG(GenreId, Name) AS genres, JSON_ARRAYAGG(Name) AS names FROM Genre;

-- name: DateArithmetic :many
SELECT InvoiceId, DATE_ADD(InvoiceDate, INTERVAL 30 DAY) AS Due, TIMESTAMPDIFF(DAY, InvoiceDate, NOW()) AS Age
FROM Invoice WHERE CustomerId = ?;

-- name: StringFunctions :many
SELECT ArtistId, UPPER(Name) AS U, SUBSTRING(Name, 1, 5) AS S, REPLACE(Name, ' ', '_') AS R, LPAD(ArtistId, 5, '0') AS P
FROM Artist WHERE Name LIKE ?;

-- name: InsertIgnoreSelect :execrows
INSERT IGNORE INTO PlaylistTrack (PlaylistId, TrackId) SELECT ?, TrackId FROM Track WHERE AlbumId = ?;

-- name: DeleteOrderLimit :execrows
DELETE FROM InvoiceLine WHERE InvoiceId = ? ORDER BY InvoiceLineId LIMIT 10;

-- name: UpdateOrderLimit :execrows
UPDATE Track SET UnitPrice = UnitPrice * 0.9 WHERE GenreId = ? ORDER BY Milliseconds DESC LIMIT 5;

-- name: FoundRows :one
SELECT FOUND_ROWS() AS n;

-- name: LastInsertId :one
SELECT LAST_INSERT_ID() AS id;

-- name: IfNullAndNullIf :many
SELECT CustomerId, IFNULL(Company, 'none') AS Company, NULLIF(State, '') AS State FROM Customer WHERE Country = ?;

-- name: GreatestLeast :many
SELECT TrackId, GREATEST(Milliseconds, 60000) AS AtLeastMinute, LEAST(UnitPrice, ?) AS Capped FROM Track WHERE AlbumId = ?;

-- name: RegexpReplace :many
SELECT ArtistId, REGEXP_REPLACE(Name, '[^a-z]', '') AS Clean FROM Artist LIMIT ?;
