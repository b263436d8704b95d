-- Pagila (DVD rental, PostgreSQL 12-era pg_dump): a rental shop's back office.

-- name: GetFilm :one
SELECT film_id, title, description, release_year, language_id, rental_duration, rental_rate, length,
       replacement_cost, rating, last_update, special_features
FROM film WHERE film_id = $1;

-- name: SearchFilms :many
SELECT film_id, title, ts_rank(fulltext, query) AS rank
FROM film, to_tsquery('english', $1) AS query
WHERE fulltext @@ query
ORDER BY rank DESC
LIMIT 20;

-- name: FilmsByRating :many
SELECT film_id, title, rating FROM film WHERE rating = $1 ORDER BY title;

-- name: FilmsWithFeature :many
SELECT film_id, title, special_features FROM film WHERE $1::text = ANY(special_features);

-- name: FilmsInCategory :many
SELECT f.film_id, f.title, c.name AS category
FROM film f
JOIN film_category fc ON fc.film_id = f.film_id
JOIN category c ON c.category_id = fc.category_id
WHERE c.name = $1
ORDER BY f.title;

-- name: ActorsOfFilm :many
SELECT a.actor_id, a.first_name, a.last_name
FROM actor a
JOIN film_actor fa USING (actor_id)
WHERE fa.film_id = $1
ORDER BY a.last_name, a.first_name;

-- name: ActorFilmCounts :many
SELECT a.actor_id, a.first_name || ' ' || a.last_name AS full_name, count(fa.film_id) AS films
FROM actor a
LEFT JOIN film_actor fa ON fa.actor_id = a.actor_id
GROUP BY a.actor_id
ORDER BY films DESC
LIMIT $1;

-- name: FilmInStock :many
SELECT * FROM film_in_stock($1, $2);

-- name: CustomerBalance :one
SELECT get_customer_balance($1, now()) AS balance;

-- name: InventoryInStock :one
SELECT inventory_in_stock($1);

-- name: RentFilm :one
INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id)
VALUES (now(), $1, $2, $3)
RETURNING rental_id, rental_date;

-- name: ReturnFilm :execrows
UPDATE rental SET return_date = now() WHERE rental_id = $1 AND return_date IS NULL;

-- name: OverdueRentals :many
SELECT r.rental_id, r.rental_date, c.first_name, c.last_name, c.email, f.title,
       r.rental_date + f.rental_duration * interval '1 day' AS due_date
FROM rental r
JOIN inventory i ON i.inventory_id = r.inventory_id
JOIN film f ON f.film_id = i.film_id
JOIN customer c ON c.customer_id = r.customer_id
WHERE r.return_date IS NULL
  AND r.rental_date + f.rental_duration * interval '1 day' < now()
ORDER BY due_date;

-- name: CustomerPayments :many
SELECT payment_id, amount, payment_date FROM payment WHERE customer_id = $1 ORDER BY payment_date DESC;

-- name: AddPayment :one
INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date)
VALUES ($1, $2, $3, $4, $5)
RETURNING payment_id;

-- name: MonthlyRevenue :many
SELECT date_trunc('month', payment_date) AS month, sum(amount) AS revenue, count(*) AS payments
FROM payment
GROUP BY 1
ORDER BY 1;

-- name: RevenueByStore :many
SELECT s.store_id, sum(p.amount) AS revenue, avg(p.amount) AS average
FROM payment p
JOIN staff st ON st.staff_id = p.staff_id
JOIN store s ON s.store_id = st.store_id
GROUP BY s.store_id;

-- name: TopCustomers :many
SELECT c.customer_id, c.first_name, c.last_name, sum(p.amount) AS spent,
       rank() OVER (ORDER BY sum(p.amount) DESC) AS position
FROM customer c
JOIN payment p ON p.customer_id = c.customer_id
GROUP BY c.customer_id, c.first_name, c.last_name
ORDER BY spent DESC
LIMIT $1;

-- name: CustomerList :many
SELECT id, name, address, "zip code", phone, city, country, notes, sid FROM customer_list WHERE country = $1;

-- name: FilmList :many
SELECT fid, title, category, price, length, rating, actors FROM film_list WHERE category = $1;

-- name: SalesByCategory :many
SELECT category, total_sales FROM sales_by_film_category;

-- name: SalesByStore :many
SELECT store, manager, total_sales FROM sales_by_store;

-- name: StaffList :many
SELECT * FROM staff_list;

-- name: CreateCustomer :one
INSERT INTO customer (store_id, first_name, last_name, email, address_id)
VALUES ($1, $2, $3, $4, $5)
RETURNING customer_id, create_date, activebool;

-- name: DeactivateCustomer :exec
UPDATE customer SET activebool = false, active = 0, last_update = now() WHERE customer_id = $1;

-- name: CustomerAddresses :many
SELECT c.customer_id, a.address, a.address2, a.district, ci.city, co.country, a.postal_code, a.phone
FROM customer c
JOIN address a ON a.address_id = c.address_id
JOIN city ci ON ci.city_id = a.city_id
JOIN country co ON co.country_id = ci.country_id
WHERE c.store_id = $1;

-- name: FilmLengthStats :one
SELECT min(length) AS shortest, max(length) AS longest, avg(length)::numeric(6,2) AS average,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY length) AS median
FROM film;

-- name: FilmsByLanguage :many
SELECT l.name AS language, count(f.film_id) AS films
FROM language l
LEFT JOIN film f ON f.language_id = l.language_id
GROUP BY l.name
ORDER BY films DESC;

-- name: AvailableCopies :many
SELECT i.inventory_id, i.store_id
FROM inventory i
WHERE i.film_id = $1
  AND NOT EXISTS (SELECT 1 FROM rental r WHERE r.inventory_id = i.inventory_id AND r.return_date IS NULL);

-- name: RentalHistory :many
SELECT r.rental_id, f.title, r.rental_date, r.return_date,
       r.return_date - r.rental_date AS rented_for,
       COALESCE(p.amount, 0) AS paid
FROM rental r
JOIN inventory i USING (inventory_id)
JOIN film f USING (film_id)
LEFT JOIN payment p ON p.rental_id = r.rental_id
WHERE r.customer_id = $1
ORDER BY r.rental_date DESC;

-- name: UpdateFilmFeatures :exec
UPDATE film SET special_features = array_append(special_features, $2) WHERE film_id = $1;

-- name: FilmsReleasedBetween :many
SELECT film_id, title, release_year FROM film WHERE release_year BETWEEN $1 AND $2 ORDER BY release_year;

-- name: CategoriesWithCounts :many
SELECT c.category_id, c.name, (SELECT count(*) FROM film_category fc WHERE fc.category_id = c.category_id) AS films
FROM category c
ORDER BY c.name;

-- name: RewardsReport :many
SELECT customer_id, first_name, last_name, email FROM rewards_report($1, $2);

-- name: StaffPicture :one
SELECT picture FROM staff WHERE staff_id = $1;

-- name: LastDayOfMonth :one
SELECT last_day($1::timestamptz) AS last_day;

-- name: RefreshRentalByCategory :exec
REFRESH MATERIALIZED VIEW rental_by_category;

-- name: RentalByCategory :many
SELECT category, total_sales FROM rental_by_category;

-- name: ActorInfo :many
SELECT actor_id, first_name, last_name, film_info FROM actor_info WHERE actor_id = $1;

-- name: CitiesInCountry :many
SELECT ci.city_id, ci.city FROM city ci JOIN country co USING (country_id) WHERE co.country = $1 ORDER BY ci.city;
