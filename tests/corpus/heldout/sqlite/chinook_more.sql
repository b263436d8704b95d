-- Chinook: less common but valid SQLite forms.

-- name: IsDistinct :many
SELECT CustomerId FROM Customer WHERE Company IS DISTINCT FROM ?;

-- name: NullsFirst :many
SELECT CustomerId, Company FROM Customer ORDER BY Company NULLS FIRST LIMIT ?;

-- name: InsertOrReplaceReturning :one
INSERT OR REPLACE INTO Genre (GenreId, Name) VALUES (?, ?) RETURNING *;

-- name: CteRecursiveCounter :many
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?) SELECT x FROM n;

-- name: JsonExtractPath :many
SELECT ArtistId, json_extract(json_object('n', Name), '$.n') AS n, json_type(json_object('a', 1)) AS t FROM Artist LIMIT ?;

-- name: JsonArrowOperator :many
SELECT ArtistId, json_object('n', Name) -> '$.n' AS j FROM Artist LIMIT ?;

-- name: Unixepoch :many
SELECT InvoiceId, unixepoch(InvoiceDate) AS ts, date(InvoiceDate, '+1 month') AS next_month FROM Invoice WHERE CustomerId = ?;

-- name: Printf :many
SELECT TrackId, format('%s (%d ms)', Name, Milliseconds) AS label FROM Track WHERE AlbumId = ?;

-- name: LikeEscape :many
SELECT Name FROM Artist WHERE Name LIKE ? ESCAPE '\';

-- name: Between :many
SELECT TrackId FROM Track WHERE UnitPrice BETWEEN ? AND ? AND Milliseconds NOT BETWEEN 0 AND 1000;

-- name: InSubquery :many
SELECT Name FROM Artist WHERE ArtistId IN (SELECT ArtistId FROM Album WHERE Title LIKE ?);

-- name: WindowFrame :many
SELECT TrackId, avg(Milliseconds) OVER (ORDER BY TrackId ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS moving_avg,
       ntile(4) OVER (ORDER BY Milliseconds) AS quartile
FROM Track WHERE AlbumId = ?;

-- name: MaxScalar :one
SELECT max(1, 2, ?) AS biggest, min(UnitPrice, 0.5) AS capped FROM Track WHERE TrackId = ?;

-- name: TypeOf :many
SELECT typeof(Bytes) AS t, quote(Name) AS q, hex(Name) AS h, instr(Name, 'a') AS pos FROM Track LIMIT ?;

-- name: UpdateLimitedOrder :exec
UPDATE Track SET UnitPrice = UnitPrice + 0.1 WHERE GenreId = ?;

-- name: CountFilter :one
SELECT count(*) FILTER (WHERE UnitPrice > 1) AS expensive, count(*) AS total FROM Track;

-- name: IndexedBy :many
SELECT TrackId FROM Track NOT INDEXED WHERE Name = ?;

-- name: ValuesSelect :many
SELECT column1, column2 FROM (VALUES (1, 'a'), (2, 'b'));
