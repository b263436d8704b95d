-- Pagila reporting queries: lateral joins, grouping sets, MERGE, data-modifying CTEs, JSON output.

-- name: LatestRentalPerCustomer :many
SELECT c.customer_id, c.first_name, r.rental_id, r.rental_date
FROM customer c
CROSS JOIN LATERAL (
  SELECT rental_id, rental_date FROM rental WHERE rental.customer_id = c.customer_id ORDER BY rental_date DESC LIMIT 1
) r
WHERE c.store_id = $1;

-- name: RevenueRollup :many
SELECT st.store_id, date_trunc('month', p.payment_date) AS month, sum(p.amount) AS revenue, grouping(st.store_id) AS all_stores
FROM payment p JOIN staff st ON st.staff_id = p.staff_id
GROUP BY ROLLUP (st.store_id, date_trunc('month', p.payment_date))
ORDER BY 1, 2;

-- name: FilmJson :one
SELECT json_build_object('id', f.film_id, 'title', f.title, 'actors',
         (SELECT json_agg(a.first_name || ' ' || a.last_name) FROM actor a JOIN film_actor fa USING (actor_id)
          WHERE fa.film_id = f.film_id)) AS doc
FROM film f WHERE f.film_id = $1;

-- name: MergeCategory :exec
MERGE INTO category c
USING (SELECT $1::text AS name) s ON c.name = s.name
WHEN NOT MATCHED THEN INSERT (name) VALUES (s.name);

-- name: ArchiveReturnedRentals :many
WITH moved AS (
  DELETE FROM rental WHERE return_date < $1 RETURNING rental_id, customer_id
)
SELECT customer_id, count(*) AS archived FROM moved GROUP BY customer_id;

-- name: FilmsPerYearWindow :many
SELECT release_year, count(*) AS films,
       sum(count(*)) OVER (ORDER BY release_year ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running_total
FROM film GROUP BY release_year ORDER BY release_year;

-- name: DailyRentals :many
SELECT d::date AS day, count(r.rental_id) AS rentals
FROM generate_series($1::timestamptz, $2::timestamptz, interval '1 day') AS d
LEFT JOIN rental r ON r.rental_date >= d AND r.rental_date < d + interval '1 day'
GROUP BY d ORDER BY d;

-- name: FilmsByIdsAndTitles :many
SELECT f.film_id, f.title FROM film f
JOIN unnest($1::int[], $2::text[]) AS u(id, title) ON u.id = f.film_id AND u.title = f.title;

-- name: UpdatePricesFromValues :exec
UPDATE film SET rental_rate = v.rate
FROM (VALUES (1, 0.99), (2, 1.99)) AS v(id, rate)
WHERE film.film_id = v.id;

-- name: DeleteInactiveWithPayments :execrows
DELETE FROM payment p USING customer c
WHERE p.customer_id = c.customer_id AND NOT c.activebool AND p.payment_date < $1;

-- name: ActorPairs :many
SELECT a1.actor_id AS first_actor, a2.actor_id AS second_actor, count(*) AS films_together
FROM film_actor a1 JOIN film_actor a2 ON a1.film_id = a2.film_id AND a1.actor_id < a2.actor_id
GROUP BY a1.actor_id, a2.actor_id
HAVING count(*) >= $1
ORDER BY films_together DESC;

-- name: FilmRatingsArray :many
SELECT rating, array_agg(title ORDER BY title) FILTER (WHERE length > 100) AS long_titles
FROM film GROUP BY rating;

-- name: CustomerSearch :many
SELECT customer_id, first_name, last_name FROM customer
WHERE (first_name, last_name) IN (SELECT first_name, last_name FROM actor)
   OR email ILIKE ANY($1::text[]);

-- name: PaymentStats :one
SELECT count(*) AS n, stddev(amount) AS sd, percentile_disc(0.9) WITHIN GROUP (ORDER BY amount) AS p90,
       mode() WITHIN GROUP (ORDER BY staff_id) AS busiest_staff
FROM payment WHERE payment_date >= $1;

-- name: FilmLengthBuckets :many
SELECT width_bucket(length, 0, 200, 4) AS bucket, count(*) FROM film GROUP BY 1 ORDER BY 1;

-- name: NextRentalId :one
SELECT nextval('rental_rental_id_seq') AS id;

-- name: FilmTitleWords :many
SELECT film_id, regexp_split_to_array(title, '\s+') AS words, upper(left(title, 1)) AS initial FROM film WHERE film_id < $1;

-- name: RentalDurations :many
SELECT rental_id, extract(epoch FROM return_date - rental_date)::bigint AS seconds,
       (return_date - rental_date) > interval '3 days' AS late
FROM rental WHERE return_date IS NOT NULL LIMIT $1;

-- name: InsertActorsReturning :many
INSERT INTO actor (first_name, last_name)
SELECT unnest($1::text[]), unnest($2::text[])
RETURNING actor_id, first_name, last_name;

-- name: CountDistinctCustomers :one
SELECT count(DISTINCT customer_id) FILTER (WHERE amount > $1) AS big_spenders FROM payment;

-- name: TopFilmPerCategory :many
SELECT DISTINCT ON (c.name) c.name AS category, f.title, count(r.rental_id) AS rentals
FROM category c
JOIN film_category fc USING (category_id)
JOIN film f USING (film_id)
JOIN inventory i USING (film_id)
JOIN rental r USING (inventory_id)
GROUP BY c.name, f.title
ORDER BY c.name, rentals DESC;

-- name: LockFilmForUpdate :one
SELECT film_id, rental_rate FROM film WHERE film_id = $1 FOR UPDATE SKIP LOCKED;

-- name: CoalesceAddress :many
SELECT address_id, COALESCE(address2, '') AS address2, NULLIF(postal_code, '') AS postal_code FROM address WHERE city_id = $1;
