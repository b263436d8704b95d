-- Chinook (digital media store), MySQL.

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
SELECT al.AlbumId, al.Title, ar.Name AS Artist, SUM(t.Milliseconds) / 60000 AS Minutes, COUNT(*) AS Tracks
FROM Album al
JOIN Artist ar ON ar.ArtistId = al.ArtistId
JOIN Track t ON t.AlbumId = al.AlbumId
GROUP BY al.AlbumId, al.Title, ar.Name
ORDER BY Minutes DESC
LIMIT ?;

-- name: CustomerInvoices :many
SELECT InvoiceId, InvoiceDate, Total, BillingCity, BillingCountry FROM Invoice
WHERE CustomerId = ? ORDER BY InvoiceDate DESC;

-- name: InvoiceLines :many
SELECT il.InvoiceLineId, t.Name AS Track, il.UnitPrice, il.Quantity, il.UnitPrice * il.Quantity AS LineTotal
FROM InvoiceLine il
JOIN Track t ON t.TrackId = il.TrackId
WHERE il.InvoiceId = ?;

-- name: SalesByCountry :many
SELECT BillingCountry, COUNT(*) AS Invoices, SUM(Total) AS Total, ROUND(AVG(Total), 2) AS Average
FROM Invoice
GROUP BY BillingCountry
ORDER BY Total DESC;

-- name: SalesByYear :many
SELECT YEAR(InvoiceDate) AS Year, SUM(Total) AS Total FROM Invoice GROUP BY YEAR(InvoiceDate) ORDER BY Year;

-- name: TopGenres :many
SELECT g.GenreId, g.Name, SUM(il.Quantity) AS Sold
FROM Genre g
JOIN Track t ON t.GenreId = g.GenreId
JOIN InvoiceLine il ON il.TrackId = t.TrackId
GROUP BY g.GenreId, g.Name
ORDER BY Sold DESC;

-- name: EmployeeHierarchy :many
WITH RECURSIVE chain AS (
  SELECT EmployeeId, FirstName, LastName, ReportsTo, 0 AS Depth
  FROM Employee WHERE ReportsTo IS NULL
  UNION ALL
  SELECT e.EmployeeId, e.FirstName, e.LastName, e.ReportsTo, c.Depth + 1
  FROM Employee e JOIN chain c ON e.ReportsTo = c.EmployeeId
)
SELECT EmployeeId, FirstName, LastName, ReportsTo, Depth FROM chain ORDER BY Depth, LastName;

-- name: SupportRepCustomers :many
SELECT e.EmployeeId, CONCAT(e.FirstName, ' ', e.LastName) AS Rep, COUNT(c.CustomerId) AS Customers
FROM Employee e
LEFT JOIN Customer c ON c.SupportRepId = e.EmployeeId
WHERE e.Title LIKE '%Support%'
GROUP BY e.EmployeeId, e.FirstName, e.LastName;

-- name: PlaylistTracks :many
SELECT p.Name AS Playlist, t.Name AS Track
FROM Playlist p
JOIN PlaylistTrack pt ON pt.PlaylistId = p.PlaylistId
JOIN Track t ON t.TrackId = pt.TrackId
WHERE p.PlaylistId = ?;

-- name: AddTrackToPlaylist :exec
INSERT IGNORE INTO PlaylistTrack (PlaylistId, TrackId) VALUES (?, ?);

-- name: CreateInvoice :exec
INSERT INTO Invoice (InvoiceId, CustomerId, InvoiceDate, BillingAddress, BillingCity, BillingCountry, Total)
VALUES (?, ?, ?, ?, ?, ?, ?);

-- name: RecalculateInvoiceTotal :exec
UPDATE Invoice i
JOIN (SELECT InvoiceId, SUM(UnitPrice * Quantity) AS s FROM InvoiceLine GROUP BY InvoiceId) l
  ON l.InvoiceId = i.InvoiceId
SET i.Total = l.s
WHERE i.InvoiceId = ?;

-- name: CustomersWithoutInvoices :many
SELECT c.CustomerId, c.FirstName, c.LastName
FROM Customer c
WHERE NOT EXISTS (SELECT 1 FROM Invoice i WHERE i.CustomerId = c.CustomerId);

-- name: SearchTracks :many
SELECT TrackId, Name, Composer FROM Track
WHERE Name LIKE ? OR Composer LIKE ?
ORDER BY Name
LIMIT ? OFFSET ?;

-- name: PriceChange :execrows
UPDATE Track SET UnitPrice = UnitPrice * ? WHERE GenreId = ?;

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
FROM Customer c
LEFT JOIN Invoice i ON i.CustomerId = c.CustomerId
GROUP BY c.CustomerId, c.Email
ORDER BY LifetimeValue DESC;

-- name: ArtistsLike :many
SELECT ArtistId, Name FROM Artist WHERE Name REGEXP ?;

-- name: DeletePlaylist :exec
DELETE FROM Playlist WHERE PlaylistId = ?;

-- name: TracksByIds :many
SELECT TrackId, Name FROM Track WHERE TrackId IN (sqlc.slice(ids));

-- name: EmployeeAges :many
SELECT EmployeeId, TIMESTAMPDIFF(YEAR, BirthDate, CURDATE()) AS Age, DATEDIFF(NOW(), HireDate) AS DaysEmployed
FROM Employee;

-- name: MonthlySales :many
SELECT DATE_FORMAT(InvoiceDate, '%Y-%m') AS Month, SUM(Total) AS Total, COUNT(DISTINCT CustomerId) AS Customers
FROM Invoice
GROUP BY Month
ORDER BY Month;
