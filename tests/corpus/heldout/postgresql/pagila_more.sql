-- Pagila: less common but valid PostgreSQL forms.

-- name: FilmsByIdsNoCast :many
SELECT film_id, title FROM film WHERE film_id = ANY($1);

-- name: InsertCategoryOnConstraint :exec
INSERT INTO category (category_id, name) VALUES ($1, $2) ON CONFLICT ON CONSTRAINT category_pkey DO NOTHING;

-- name: TableActor :many
TABLE actor;

-- name: ValuesOnly :many
VALUES ($1::int, $2::text);

-- name: OnlyFilm :many
SELECT film_id FROM ONLY film WHERE rating = 'PG'::mpaa_rating;

-- name: EscapeLike :many
SELECT title FROM film WHERE title LIKE $1 ESCAPE '!' OR title SIMILAR TO $2;

-- name: BetweenSymmetric :many
SELECT film_id FROM film WHERE length BETWEEN SYMMETRIC $1 AND $2;

-- name: DistinctFrom :many
SELECT customer_id FROM customer WHERE email IS DISTINCT FROM $1;

-- name: ArraySubquery :one
SELECT ARRAY(SELECT title FROM film ORDER BY title LIMIT 5) AS titles;

-- name: RowToJson :many
SELECT row_to_json(a) AS actor FROM actor a WHERE a.actor_id < $1;

-- name: ToJsonb :one
SELECT to_jsonb(c) - 'last_update' AS customer FROM customer c WHERE c.customer_id = $1;

-- name: AtTimeZone :many
SELECT rental_id, rental_date AT TIME ZONE 'UTC' AS utc_date, extract(dow FROM rental_date) AS weekday
FROM rental WHERE customer_id = $1;

-- name: FetchFirst :many
SELECT title FROM film ORDER BY title OFFSET $1 ROWS FETCH FIRST 10 ROWS ONLY;

-- name: Cube :many
SELECT rating, rental_duration, count(*) FROM film GROUP BY CUBE (rating, rental_duration);

-- name: GroupingSets :many
SELECT store_id, active, count(*) FROM customer GROUP BY GROUPING SETS ((store_id), (active), ());

-- name: NamedWindow :many
SELECT payment_id, amount, avg(amount) OVER w AS avg_amount, row_number() OVER w AS n
FROM payment WHERE customer_id = $1
WINDOW w AS (PARTITION BY customer_id ORDER BY payment_date);

-- name: StringAggDistinct :one
SELECT string_agg(DISTINCT district, ', ' ORDER BY district) AS districts FROM address WHERE city_id = $1;

-- name: UpdateRowSubselect :exec
UPDATE film SET (rental_rate, replacement_cost) = (SELECT avg(rental_rate), avg(replacement_cost) FROM film)
WHERE film_id = $1;

-- name: DeleteReturningStar :many
DELETE FROM film_actor WHERE film_id = $1 RETURNING *;

-- name: InsertDefaultValues :one
INSERT INTO language DEFAULT VALUES RETURNING language_id;

-- name: AdvisoryLock :exec
SELECT pg_advisory_xact_lock($1);

-- name: TryAdvisoryLock :one
SELECT pg_try_advisory_lock($1) AS locked;

-- name: Notify :exec
SELECT pg_notify('rentals', $1);

-- name: CurrentSetting :one
SELECT current_setting('TimeZone') AS tz, current_user AS who, now() AS at;

-- name: WebSearch :many
SELECT film_id, ts_headline('english', description, websearch_to_tsquery('english', $1)) AS headline
FROM film WHERE fulltext @@ websearch_to_tsquery('english', $1);

-- name: EnumRange :one
SELECT enum_range(NULL::mpaa_rating) AS ratings;

-- name: YearDomain :many
SELECT film_id, release_year FROM film WHERE release_year > $1::year;

-- name: CaseIn :many
SELECT film_id, CASE WHEN rating IN ('G', 'PG') THEN 'family' ELSE 'other' END AS audience FROM film;

-- name: LeftJoinLateralCount :many
SELECT c.category_id, c.name, x.n
FROM category c LEFT JOIN LATERAL (SELECT count(*) AS n FROM film_category fc WHERE fc.category_id = c.category_id) x ON true;

-- name: GreatestLeast :many
SELECT film_id, greatest(length, 60) AS at_least_hour, least(rental_rate, $1) AS capped FROM film;

-- name: ArrayLength :many
SELECT film_id, cardinality(special_features) AS n_features, array_to_string(special_features, ',') AS features
FROM film WHERE special_features && $1::text[];

-- name: JsonbEach :many
SELECT f.film_id, j.key, j.value FROM film f, jsonb_each(jsonb_build_object('title', f.title)) AS j WHERE f.film_id = $1;

-- name: Coalesce3 :many
SELECT staff_id, coalesce(email, username, 'n/a') AS contact FROM staff;
