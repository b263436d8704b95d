#pragma once
// Database-verified code generation (`flash gen --verify`): every analysed query is prepared by the
// real database, and what the database says about it is compared with what the analyzer inferred.
//
// Where: SQLite in a private in-memory database; PostgreSQL in a scratch schema
// `flash_verify_<random>` created inside a transaction that is always rolled back (nothing is left
// behind, even when the process dies: the server aborts the transaction); MySQL/MariaDB in a
// scratch database `flash_verify_<random>` that is dropped at the end, also on failure (needs the
// CREATE and DROP privileges; without them a diagnostic says so). The schema is loaded as
// schema::print_schema prints it; queries are prepared exactly as the generators send them
// (`Query::sql`: `$n` / `?`; a slice prepared with one element).
// On PostgreSQL the database's own public schema is renamed aside inside that transaction and an
// empty public takes its place, so `public.t` in schema files and queries means the scratch
// objects (other sessions keep seeing the committed public; DDL on the schema object itself waits
// for the rollback). Known limit: without ownership of public a scratch schema stands in for it
// and `public.t` still names the server's own. On MySQL, CREATE SCHEMA in the schema files
// creates those databases too (refused when one exists; dropped at the end).
//
// What is compared (a mismatch is reported only when it is real):
//   - the query prepares at all;
//   - parameter count; on PostgreSQL also each parameter's inferred type;
//   - result column count and names;
//   - each column's type category (schema::TypeCategory), array-ness and enum name, whenever the
//     database reports a type it can say something about (SQLite: only columns taken straight from
//     a table have a declared type; expressions are skipped);
//   - nullability: MySQL reports it for every result column (NOT_NULL_FLAG). Its NOT NULL is a
//     proof, so "we say nullable" against it is reported; its "maybe NULL" is exact only for base
//     table columns (expressions, scalar subqueries, CTE columns are conservatively "maybe"), so
//     "we say NOT NULL" is reported only there. PostgreSQL and SQLite report only the source table
//     column: when we say NOT NULL and the source column is nullable, the value can be NULL
//     whatever the joins — reported; the other direction is legitimate (outer joins) and not.
//   - only for :one/:many (and :batchone/:batchmany): the exec kinds discard rows.
// Each mismatch is an error Diagnostic with code `gen.verify`, located at the query's `-- name:`
// line, naming the query, the column or parameter, ours and the database's.
#include <string>
#include <vector>

#include "flash/diag/diagnostic.hpp"
#include "flash/driver/connection.hpp"
#include "flash/query/analyzed.hpp"
#include "flash/schema/model.hpp"

namespace flash::verify {

struct Result {
  int queries = 0;                 // queries prepared by the database
  int params_checked = 0;          // parameters whose type the database reported and we compared
  int columns_checked = 0;         // result columns whose type we compared
  std::string where;               // "SQLite 3.40.1 in memory", "PostgreSQL 15.4, schema flash_verify_1a2b3c4d"
  diag::Diagnostics diagnostics;   // gen.verify errors, one per mismatch
};

// SQL the analyser did not accept, put to the same scratch environment: does the database accept
// it? (Tells an analyser gap from a query the database refuses too.)
struct Probe {
  std::string name;           // for messages: the query's name
  std::string sql;            // as a driver would send it ($n / ? / ?n)
  bool accepted = false;      // set by verify_queries: the database prepared it
  std::string error;          // the database's message when it did not
};

// Verifies `queries` (analysed against `schema`) on `conn`. For SQLite `conn` may be null (a private
// in-memory database is used; a given connection is used as is, and the schema is loaded into it).
// PostgreSQL/MySQL need a connection. Throws diag::Error (gen.verify) when the scratch environment
// cannot be set up or the schema does not load, driver::DbError when the connection fails.
// `probes` (optional) are prepared after the queries in the same environment and marked.
Result verify_queries(const schema::Schema& schema, const query::AnalyzedQueries& queries,
                      driver::SqlConnection* conn, std::vector<Probe>* probes = nullptr);

// The comparison alone, for one query and what the database said about it (no database needed).
// Appends gen.verify diagnostics to `r.diagnostics` and adds to its counters. `schema` (optional)
// tells base tables from CTEs and derived tables for MySQL's nullability.
void compare(const query::Query& q, const driver::StatementDescription& d, schema::Dialect dialect,
             Result& r, const schema::Schema* schema = nullptr);

// The number of placeholders the database sees in `q.sql` (what its parameter count must be).
std::size_t expected_param_count(const query::Query& q, schema::Dialect dialect);

}  // namespace flash::verify
