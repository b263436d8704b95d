-- Chinook (digital media store), SQLite.

-- name: GetArtist :one
SELECT ArtistId, Name FROM Artist WHERE ArtistId = ?;

-- name: AlbumsOfArtist :many
SELECT AlbumId, Title FROM Album WHERE ArtistId = ? ORDER BY Title;

-- name: TracksOfAlbum :many
SELECT t.TrackId, t.Name, t.Composer, t.Milliseconds, t.Bytes, t.UnitPrice, g.Name AS Genre, m.Name AS MediaType
FROM Track t
LEFT JOIN Genre g ON g.GenreId = t.GenreId
JOIN MediaType m ON m.MediaTypeId = t.MediaTypeId
WHERE t.AlbumId = ?
ORDER BY t.TrackId;

-- name: AlbumDurations :many
SELECT al.AlbumId, al.Title, ar.Name AS Artist, SUM(t.Milliseconds) / 60000.0 AS Minutes, COUNT(*) AS Tracks
FROM Album al
JOIN Artist ar ON ar.ArtistId = al.ArtistId
JOIN Track t ON t.AlbumId = al.AlbumId
GROUP BY al.AlbumId
ORDER BY Minutes DESC
LIMIT ?;

-- name: CustomerInvoices :many
SELECT InvoiceId, InvoiceDate, Total, BillingCity, BillingCountry FROM Invoice WHERE CustomerId = ? ORDER BY InvoiceDate DESC;

-- name: SalesByCountry :many
SELECT BillingCountry, COUNT(*) AS Invoices, SUM(Total) AS Total, ROUND(AVG(Total), 2) AS Average
FROM Invoice GROUP BY BillingCountry ORDER BY Total DESC;

-- name: SalesByYear :many
SELECT strftime('%Y', InvoiceDate) AS Year, SUM(Total) AS Total FROM Invoice GROUP BY Year ORDER BY Year;

-- name: EmployeeHierarchy :many
WITH RECURSIVE chain(EmployeeId, FirstName, LastName, ReportsTo, Depth) AS (
  SELECT EmployeeId, FirstName, LastName, ReportsTo, 0 FROM Employee WHERE ReportsTo IS NULL
  UNION ALL
  SELECT e.EmployeeId, e.FirstName, e.LastName, e.ReportsTo, c.Depth + 1
  FROM Employee e JOIN chain c ON e.ReportsTo = c.EmployeeId
)
SELECT EmployeeId, FirstName, LastName, ReportsTo, Depth FROM chain ORDER BY Depth, LastName;

-- name: SupportRepCustomers :many
SELECT e.EmployeeId, e.FirstName || ' ' || e.LastName AS Rep, COUNT(c.CustomerId) AS Customers
FROM Employee e
LEFT JOIN Customer c ON c.SupportRepId = e.EmployeeId
WHERE e.Title LIKE '%Support%'
GROUP BY e.EmployeeId;

-- name: AddTrackToPlaylist :exec
INSERT OR IGNORE INTO PlaylistTrack (PlaylistId, TrackId) VALUES (?, ?);

-- name: CreateInvoice :one
INSERT INTO Invoice (InvoiceId, CustomerId, InvoiceDate, BillingAddress, BillingCity, BillingCountry, Total)
VALUES (?, ?, ?, ?, ?, ?, ?)
RETURNING InvoiceId, Total;

-- name: RecalculateInvoiceTotal :exec
UPDATE Invoice SET Total = (SELECT COALESCE(SUM(UnitPrice * Quantity), 0) FROM InvoiceLine WHERE InvoiceId = ?1)
WHERE InvoiceId = ?1;

-- name: CustomersWithoutInvoices :many
SELECT c.CustomerId, c.FirstName, c.LastName FROM Customer c
WHERE NOT EXISTS (SELECT 1 FROM Invoice i WHERE i.CustomerId = c.CustomerId);

-- name: SearchTracks :many
SELECT TrackId, Name, Composer FROM Track WHERE Name LIKE ?1 OR Composer LIKE ?1 ORDER BY Name LIMIT ?2 OFFSET ?3;

-- name: LongestTracksPerGenre :many
SELECT GenreId, TrackId, Name, Milliseconds FROM (
  SELECT GenreId, TrackId, Name, Milliseconds,
         ROW_NUMBER() OVER (PARTITION BY GenreId ORDER BY Milliseconds DESC) AS rn
  FROM Track
) ranked
WHERE rn <= 3
ORDER BY GenreId, rn;

-- name: CustomerLifetimeValue :many
SELECT c.CustomerId, c.Email, COALESCE(SUM(i.Total), 0) AS LifetimeValue, MAX(i.InvoiceDate) AS LastPurchase
FROM Customer c LEFT JOIN Invoice i ON i.CustomerId = c.CustomerId
GROUP BY c.CustomerId ORDER BY LifetimeValue DESC;

-- name: TracksByIds :many
SELECT TrackId, Name FROM Track WHERE TrackId IN (sqlc.slice(ids));

-- name: TrackDurationText :many
SELECT TrackId, printf('%d:%02d', Milliseconds / 60000, (Milliseconds / 1000) % 60) AS Duration FROM Track WHERE AlbumId = ?;

-- name: InvoiceAge :many
SELECT InvoiceId, julianday('now') - julianday(InvoiceDate) AS AgeDays FROM Invoice WHERE CustomerId = ?;

-- name: GenreNamesJson :one
SELECT json_group_array(Name) AS Names FROM Genre;

-- name: PlaylistTrackCounts :many
SELECT p.PlaylistId, p.Name, COUNT(pt.TrackId) AS Tracks, IIF(COUNT(pt.TrackId) > 100, 'big', 'small') AS Size
FROM Playlist p LEFT JOIN PlaylistTrack pt ON pt.PlaylistId = p.PlaylistId
GROUP BY p.PlaylistId;
