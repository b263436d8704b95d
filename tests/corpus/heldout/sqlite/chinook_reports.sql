-- Chinook reporting queries (SQLite dialect features).

-- name: UpsertGenre :exec
INSERT INTO Genre (GenreId, Name) VALUES (?1, ?2) ON CONFLICT (GenreId) DO UPDATE SET Name = excluded.Name WHERE excluded.Name IS NOT NULL;

-- name: ReplaceMediaType :exec
REPLACE INTO MediaType (MediaTypeId, Name) VALUES (?, ?);

-- name: RunningTotals :many
SELECT InvoiceId, InvoiceDate, Total,
       SUM(Total) OVER (PARTITION BY CustomerId ORDER BY InvoiceDate) AS RunningTotal,
       LAG(Total, 1, 0) OVER (PARTITION BY CustomerId ORDER BY InvoiceDate) AS PreviousTotal
FROM Invoice WHERE CustomerId = ?;

-- name: UpdateFromSelect :exec
UPDATE Invoice SET Total = l.s
FROM (SELECT InvoiceId, SUM(UnitPrice * Quantity) AS s FROM InvoiceLine GROUP BY InvoiceId) AS l
WHERE l.InvoiceId = Invoice.InvoiceId;

-- name: DeleteReturning :many
DELETE FROM PlaylistTrack WHERE PlaylistId = ? RETURNING TrackId;

-- name: InvoiceMonths :many
SELECT strftime('%Y-%m', InvoiceDate) AS Month, COUNT(*) AS Invoices, TOTAL(Total) AS Revenue
FROM Invoice GROUP BY Month ORDER BY Month NULLS LAST;

-- name: NullSafeComparison :many
SELECT CustomerId FROM Customer WHERE Company IS NOT ? ;

-- name: TrackNameGlob :many
SELECT TrackId, Name, length(Name) AS NameLength, substr(Name, 1, 10) AS Short FROM Track WHERE Name GLOB ?;

-- name: CaseInsensitive :many
SELECT ArtistId, Name FROM Artist WHERE Name = ? COLLATE NOCASE;

-- name: GenreCounts :many
SELECT g.Name, COUNT(t.TrackId) AS Tracks, MAX(t.UnitPrice) AS MaxPrice, group_concat(DISTINCT t.Composer) AS Composers
FROM Genre g LEFT JOIN Track t ON t.GenreId = g.GenreId GROUP BY g.GenreId;

-- name: RandomTracks :many
SELECT TrackId, Name FROM Track ORDER BY random() LIMIT ?;

-- name: InsertSelect :execrows
INSERT INTO PlaylistTrack (PlaylistId, TrackId) SELECT ?, TrackId FROM Track WHERE GenreId = ?;

-- name: JsonArrow :many
SELECT ArtistId, json_object('id', ArtistId, 'name', Name) ->> '$.name' AS NameFromJson FROM Artist WHERE ArtistId < ?;

-- name: CastAndRound :many
SELECT TrackId, CAST(Milliseconds / 1000 AS INTEGER) AS Seconds, round(UnitPrice * 1.2, 2) AS Gross,
       coalesce(Composer, 'unknown') AS Composer
FROM Track WHERE AlbumId = ?;

-- name: ExistsCheck :one
SELECT EXISTS (SELECT 1 FROM Invoice WHERE CustomerId = ?) AS HasInvoices;

-- name: CteWithValues :many
WITH wanted(id) AS (VALUES (1), (2), (3))
SELECT a.ArtistId, a.Name FROM Artist a JOIN wanted w ON w.id = a.ArtistId;
