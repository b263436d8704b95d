-- Chinook (digital media store), PostgreSQL.

-- name: GetArtist :one
SELECT artist_id, name FROM artist WHERE artist_id = $1;

-- name: AlbumsOfArtist :many
SELECT album_id, title FROM album WHERE artist_id = $1 ORDER BY title;

-- name: TracksOfAlbum :many
SELECT t.track_id, t.name, t.composer, t.milliseconds, t.bytes, t.unit_price, g.name AS genre, m.name AS media_type
FROM track t
LEFT JOIN genre g ON g.genre_id = t.genre_id
JOIN media_type m ON m.media_type_id = t.media_type_id
WHERE t.album_id = $1
ORDER BY t.track_id;

-- name: AlbumDurations :many
SELECT al.album_id, al.title, ar.name AS artist, sum(t.milliseconds) / 60000.0 AS minutes, count(*) AS tracks
FROM album al
JOIN artist ar ON ar.artist_id = al.artist_id
JOIN track t ON t.album_id = al.album_id
GROUP BY al.album_id, al.title, ar.name
ORDER BY minutes DESC
LIMIT $1;

-- name: CustomerInvoices :many
SELECT invoice_id, invoice_date, total, billing_city, billing_country FROM invoice
WHERE customer_id = $1 ORDER BY invoice_date DESC;

-- name: InvoiceLines :many
SELECT il.invoice_line_id, t.name AS track, il.unit_price, il.quantity, il.unit_price * il.quantity AS line_total
FROM invoice_line il
JOIN track t ON t.track_id = il.track_id
WHERE il.invoice_id = $1;

-- name: SalesByCountry :many
SELECT billing_country, count(*) AS invoices, sum(total) AS total, round(avg(total), 2) AS average
FROM invoice
GROUP BY billing_country
ORDER BY total DESC;

-- name: SalesByYear :many
SELECT EXTRACT(YEAR FROM invoice_date)::int AS year, sum(total) AS total
FROM invoice
GROUP BY 1
ORDER BY 1;

-- name: TopGenres :many
SELECT g.genre_id, g.name, sum(il.quantity) AS sold
FROM genre g
JOIN track t ON t.genre_id = g.genre_id
JOIN invoice_line il ON il.track_id = t.track_id
GROUP BY g.genre_id, g.name
ORDER BY sold DESC;

-- name: EmployeeHierarchy :many
WITH RECURSIVE chain AS (
  SELECT employee_id, first_name, last_name, reports_to, 0 AS depth
  FROM employee WHERE reports_to IS NULL
  UNION ALL
  SELECT e.employee_id, e.first_name, e.last_name, e.reports_to, c.depth + 1
  FROM employee e JOIN chain c ON e.reports_to = c.employee_id
)
SELECT employee_id, first_name, last_name, reports_to, depth FROM chain ORDER BY depth, last_name;

-- name: SupportRepCustomers :many
SELECT e.employee_id, e.first_name || ' ' || e.last_name AS rep, count(c.customer_id) AS customers
FROM employee e
LEFT JOIN customer c ON c.support_rep_id = e.employee_id
WHERE e.title LIKE '%Support%'
GROUP BY e.employee_id;

-- name: PlaylistTracks :many
SELECT p.name AS playlist, t.name AS track
FROM playlist p
JOIN playlist_track pt ON pt.playlist_id = p.playlist_id
JOIN track t ON t.track_id = pt.track_id
WHERE p.playlist_id = $1;

-- name: AddTrackToPlaylist :exec
INSERT INTO playlist_track (playlist_id, track_id) VALUES ($1, $2) ON CONFLICT DO NOTHING;

-- name: CreateInvoice :one
INSERT INTO invoice (invoice_id, customer_id, invoice_date, billing_address, billing_city, billing_country, total)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING invoice_id, total;

-- name: AddInvoiceLine :copyfrom
INSERT INTO invoice_line (invoice_line_id, invoice_id, track_id, unit_price, quantity) VALUES ($1, $2, $3, $4, $5);

-- name: RecalculateInvoiceTotal :exec
UPDATE invoice SET total = (SELECT COALESCE(sum(unit_price * quantity), 0) FROM invoice_line WHERE invoice_id = $1)
WHERE invoice_id = $1;

-- name: CustomersWithoutInvoices :many
SELECT c.customer_id, c.first_name, c.last_name
FROM customer c
WHERE NOT EXISTS (SELECT 1 FROM invoice i WHERE i.customer_id = c.customer_id);

-- name: SearchTracks :many
SELECT track_id, name, composer FROM track
WHERE name ILIKE $1 OR composer ILIKE $1
ORDER BY name
LIMIT $2 OFFSET $3;

-- name: PriceChange :execrows
UPDATE track SET unit_price = unit_price * $1 WHERE genre_id = $2;

-- name: LongestTracksPerGenre :many
SELECT genre_id, track_id, name, milliseconds FROM (
  SELECT genre_id, track_id, name, milliseconds,
         row_number() OVER (PARTITION BY genre_id ORDER BY milliseconds DESC) AS rn
  FROM track
) ranked
WHERE rn <= 3
ORDER BY genre_id, rn;

-- name: CustomerLifetimeValue :many
SELECT c.customer_id, c.email, COALESCE(sum(i.total), 0)::numeric(10,2) AS lifetime_value,
       max(i.invoice_date) AS last_purchase
FROM customer c
LEFT JOIN invoice i ON i.customer_id = c.customer_id
GROUP BY c.customer_id, c.email
ORDER BY lifetime_value DESC;

-- name: ArtistsLike :many
SELECT artist_id, name FROM artist WHERE name ~* $1;

-- name: DeletePlaylist :exec
DELETE FROM playlist WHERE playlist_id = $1;

-- name: TracksByIds :many
SELECT track_id, name FROM track WHERE track_id IN (sqlc.slice(ids));

-- name: EmployeeAges :many
SELECT employee_id, age(birth_date) AS age, date_part('year', age(hire_date)) AS years_employed FROM employee;

-- name: UpdateCustomerContact :exec
UPDATE customer SET email = @email, phone = sqlc.narg(phone) WHERE customer_id = @customer_id;
