-- Chinook reporting queries (MySQL/MariaDB dialect features).

-- name: TracksPage :many
SELECT TrackId, Name FROM Track ORDER BY TrackId LIMIT ?, ?;

-- name: GenreTrackList :many
SELECT g.Name, GROUP_CONCAT(t.Name ORDER BY t.Name SEPARATOR '; ') AS Tracks
FROM Genre g JOIN Track t ON t.GenreId = g.GenreId
GROUP BY g.GenreId, g.Name;

-- name: InvoiceSizeLabel :many
SELECT InvoiceId, IF(Total > 10, 'large', 'small') AS Size, CASE WHEN Total > 20 THEN 2 WHEN Total > 10 THEN 1 ELSE 0 END AS Tier
FROM Invoice WHERE CustomerId = ?;

-- name: DeleteOrphanLines :execrows
DELETE il FROM InvoiceLine il LEFT JOIN Invoice i ON i.InvoiceId = il.InvoiceId WHERE i.InvoiceId IS NULL;

-- name: RaisePricesForArtist :execrows
UPDATE Track t JOIN Album a ON a.AlbumId = t.AlbumId SET t.UnitPrice = t.UnitPrice + ? WHERE a.ArtistId = ?;

-- name: UpsertGenre :exec
INSERT INTO Genre (GenreId, Name) VALUES (?, ?) ON DUPLICATE KEY UPDATE Name = VALUES(Name);

-- name: ReplaceMediaType :exec
REPLACE INTO MediaType (MediaTypeId, Name) VALUES (?, ?);

-- name: RunningTotals :many
SELECT InvoiceId, InvoiceDate, Total,
       SUM(Total) OVER (PARTITION BY CustomerId ORDER BY InvoiceDate) AS RunningTotal,
       LAG(Total) OVER (PARTITION BY CustomerId ORDER BY InvoiceDate) AS PreviousTotal
FROM Invoice WHERE CustomerId = ?;

-- name: LockInvoice :one
SELECT InvoiceId, Total FROM Invoice WHERE InvoiceId = ? FOR UPDATE;

-- name: YearlyCountryPivot :many
SELECT BillingCountry,
       SUM(CASE WHEN YEAR(InvoiceDate) = 2021 THEN Total ELSE 0 END) AS Y2021,
       SUM(CASE WHEN YEAR(InvoiceDate) = 2022 THEN Total ELSE 0 END) AS Y2022
FROM Invoice GROUP BY BillingCountry;

-- name: CustomerNameSearch :many
SELECT CustomerId, CONCAT_WS(' ', FirstName, LastName) AS FullName, LOWER(Email) AS Email
FROM Customer WHERE FirstName LIKE ? OR LastName LIKE ? ORDER BY LastName LIMIT 25;

-- name: TrackLengthStats :one
SELECT MIN(Milliseconds) AS Shortest, MAX(Milliseconds) AS Longest, AVG(Milliseconds) AS Average, STDDEV(Milliseconds) AS Spread
FROM Track WHERE AlbumId = ?;

-- name: AlbumsWithManyTracks :many
SELECT a.AlbumId, a.Title FROM Album a
WHERE (SELECT COUNT(*) FROM Track t WHERE t.AlbumId = a.AlbumId) > ?;

-- name: CustomersInCountries :many
SELECT CustomerId, Country FROM Customer WHERE Country IN (sqlc.slice(countries)) AND SupportRepId IS NOT NULL;

-- name: InvoiceDateParts :many
SELECT InvoiceId, DATE(InvoiceDate) AS Day, MONTH(InvoiceDate) AS Month, DAYNAME(InvoiceDate) AS Weekday
FROM Invoice WHERE InvoiceDate BETWEEN ? AND ?;

-- name: EmployeeManagers :many
SELECT e.EmployeeId, e.LastName, m.LastName AS Manager
FROM Employee e LEFT JOIN Employee m ON m.EmployeeId = e.ReportsTo;

-- name: RoundedPrices :many
SELECT TrackId, ROUND(UnitPrice * 1.2, 2) AS Gross, FLOOR(Milliseconds / 1000) AS Seconds, CAST(Bytes AS CHAR) AS BytesText
FROM Track WHERE AlbumId = ?;

-- name: InsertPlaylistSelect :execlastid
INSERT INTO Playlist (PlaylistId, Name) SELECT MAX(PlaylistId) + 1, ? FROM Playlist;
