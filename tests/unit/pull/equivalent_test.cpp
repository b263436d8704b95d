// same_postgres_sql: the server's spelling of a view / function / trigger is the same statement,
// a real change is not.
#include <gtest/gtest.h>

#include "pull_test_util.hpp"

namespace flash::pull::test {
namespace {

TEST(SamePostgresSql, ServerSpellingIsTheSame) {
  // pg_dump (empty search_path, non-pretty) vs pg_get_viewdef(pretty) under the default path.
  EXPECT_TRUE(same_postgres_sql(
      "SELECT film.film_id, film.title FROM public.film WHERE ((film.rating = 'G'::public.mpaa_rating) AND "
      "(film.length > 60))",
      "SELECT film.film_id,\n    film.title\n   FROM film\n  WHERE film.rating = 'G'::mpaa_rating AND film.length > 60"));
  EXPECT_TRUE(same_postgres_sql("SELECT t.id FROM t WHERE t.s = 'x'", "SELECT t.id FROM t WHERE t.s = 'x'::text"));
  // Written unqualified, printed qualified with the only table.
  EXPECT_TRUE(same_postgres_sql("SELECT id, title FROM posts WHERE state = 'published' ORDER BY id",
                                "SELECT posts.id, posts.title FROM posts WHERE posts.state = 'published'::status "
                                "ORDER BY posts.id"));
  EXPECT_TRUE(same_postgres_sql("SELECT t.n FROM t WHERE t.n >= 0", "SELECT t.n FROM t WHERE t.n >= (0)::numeric"));
  // Functions: CREATE vs CREATE OR REPLACE, option order, dollar-quote tags, qualification.
  EXPECT_TRUE(same_postgres_sql(
      "CREATE FUNCTION public.f(p integer) RETURNS integer\n    LANGUAGE sql STABLE\n    AS $_$SELECT p + 1$_$",
      "CREATE OR REPLACE FUNCTION public.f(p integer)\n RETURNS integer\n LANGUAGE sql\n STABLE\nAS $function$SELECT "
      "p + 1$function$"));
  EXPECT_TRUE(same_postgres_sql(
      "CREATE TRIGGER last_updated BEFORE UPDATE ON public.actor FOR EACH ROW EXECUTE FUNCTION public.last_updated()",
      "CREATE TRIGGER last_updated BEFORE UPDATE ON actor FOR EACH ROW EXECUTE FUNCTION last_updated()"));
}

TEST(SamePostgresSql, RealChangesDiffer) {
  EXPECT_FALSE(same_postgres_sql("SELECT t.id FROM t WHERE t.n > 0", "SELECT t.id FROM t WHERE t.n > 1"));
  EXPECT_FALSE(same_postgres_sql("SELECT t.id FROM t", "SELECT t.id, t.n FROM t"));
  EXPECT_FALSE(same_postgres_sql("SELECT a.id FROM a JOIN b ON a.id = b.id", "SELECT b.id FROM a JOIN b ON a.id = b.id"));
  EXPECT_FALSE(same_postgres_sql("SELECT t.id FROM public.t", "SELECT t.id FROM other.t"));
  EXPECT_FALSE(same_postgres_sql("CREATE FUNCTION f() RETURNS integer LANGUAGE sql AS 'SELECT 1'",
                                 "CREATE FUNCTION f() RETURNS integer LANGUAGE sql AS 'SELECT 2'"));
  EXPECT_FALSE(same_postgres_sql("CREATE FUNCTION f() RETURNS integer LANGUAGE sql STABLE AS 'SELECT 1'",
                                 "CREATE FUNCTION f() RETURNS integer LANGUAGE sql VOLATILE AS 'SELECT 1'"));
  EXPECT_FALSE(same_postgres_sql("SELECT (", "SELECT ( "));  // unparseable texts are only equal as text
}

}  // namespace
}  // namespace flash::pull::test
