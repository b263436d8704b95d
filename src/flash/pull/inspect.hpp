#pragma once
// Live database → schema model ("flash pull"). One folder per database with the same file name
// (postgres/, mysql/, sqlite/inspect.cpp); the table in inspect.cpp maps a dialect to its
// inspector. The result follows the model's normalisation rules (schema/model.hpp), so it compares
// equal to what sql::parse_schema produces for the DDL that created the database, as far as the
// catalog keeps what was written (see each inspector's header comment for what it cannot keep).
//
// How: each inspector turns the catalog into DDL the database itself reports (PostgreSQL:
// pg_catalog + pg_get_*def; MySQL: SHOW CREATE TABLE; SQLite: sqlite_schema.sql) and runs it
// through the dialect's DDL parser (sql::apply_ddl), so types, expressions and constraints are
// normalised by exactly the code that normalises schema files. Catalog-only facts the DDL text
// cannot carry (serial columns, server-generated constraint names, display widths) are then
// mapped onto the model.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "flash/driver/connection.hpp"
#include "flash/schema/model.hpp"

namespace flash::pull {

// The objects of the connection's current schema/database: PostgreSQL every user schema
// (not pg_catalog, information_schema, pg_toast; "public" → ""), MySQL the current database,
// SQLite "main". Migration bookkeeping (_flash_migrations, _flash_*) is left out.
// Throws diag::Error ("pull.parse") if the DDL the database reports does not parse. The result is
// in the printer's dependency order (tables after the tables they reference).
schema::Schema inspect(driver::SqlConnection& c);

// Puts the objects whose order means nothing to the engine in (schema, name) order: types,
// domains, sequences, tables, views, and (PostgreSQL, SQLite) indexes; the printer's dependency
// order then keeps that order wherever no dependency decides it. Raw statements keep the
// inspector's order (trigger firing order, routines by kind and name). MySQL indexes keep SHOW
// CREATE TABLE's key order (the server's own, per table).
void order_by_name(schema::Schema& s);

// The per-dialect inspectors, in catalog order.
schema::Schema inspect_postgres(driver::SqlConnection& c);
schema::Schema inspect_mysql(driver::SqlConnection& c);
schema::Schema inspect_sqlite(driver::SqlConnection& c);

// A result cell as text ("" for NULL; numbers and booleans in their display form).
std::string cell(const driver::Value& v);

// Pull keeps constraint names as the database has them. With existing schema files (`reference`,
// their parsed model) this makes pulled names agree with what the files say where the database
// cannot tell the difference: a server-generated name (PostgreSQL: see clear_generated_names;
// MySQL: CONSTRAINT_<n>, <table>_chk_<n>, <table>_ibfk_<n>, a unique key named after its first
// column [_<n>]) becomes "" when the files have the same constraint unnamed; on MySQL the
// primary key takes the files' name (MySQL does not store primary-key names); a foreign key to
// the referenced table's primary key loses its column list where the files leave it out. On
// PostgreSQL a view's query, a raw statement (function, trigger, aggregate, ...) and a column's
// default or generation expression or a CHECK expression take the files' text when
// same_postgres_sql says they are the same.
void align_names(schema::Schema& pulled, const schema::Schema& reference);

// PostgreSQL: whether two statements (or two queries) are the same once the server's spelling is
// discounted — both parsed by libpg_query, trees compared without locations, "public." /
// "pg_catalog." qualification (also of nextval's sequence), casts of literals and columns (the
// implicit casts the server writes out), columns qualified with the only table of their SELECT,
// CREATE OR REPLACE and the order of option lists.
// align_names uses it to keep the files' text of views, functions, triggers and other raw
// statements that the database stores parsed and prints back differently.
bool same_postgres_sql(const std::string& a, const std::string& b);

// PostgreSQL: constraint names the server generates when none is written become "" (how schema
// files store unnamed constraints): <table>_pkey; <table>_<col>[_<col>...]_key[N];
// <table>_<col>[_<col>...]_fkey[N]; <table>[_<anything>]_check[N]; domain <domain>_check[N].
// pull applies it to what it reads; apply it to a parsed model too to compare a pg_dump-style
// schema (which writes those names out) with a pulled one.
void clear_generated_names(schema::Schema& s);

// MySQL/MariaDB: the display width the server prints for an integer type written without one
// (int → "11", int unsigned → "10", bigint → "20"); "" for other types.
std::string default_integer_width(const schema::TypeRef& t);

// Whether the table is Flash's own bookkeeping (never pulled).
bool is_internal_table(std::string_view name);

// Parses DDL text the database reported into `model`; throws diag::Error ("pull.parse") naming
// `what` on a parse error (that would be a bug in the inspector, not the user's schema).
void apply_reported_ddl(schema::Schema& model, const std::string& what, const std::string& sql);

struct WriteResult {
  std::vector<std::filesystem::path> files;  // written, in order
  std::optional<std::filesystem::path> backup;  // where the previous files went (--backup)
};

// Writes `s` as `dir`/schema.sql (printer output: dependency order, original column order),
// creating `dir`; when `dir` is an existing file or ends in ".sql", writes that one file. With `backup` and an existing `dir`, first copies it to
// "<dir>.backup-<UTC yyyymmddThhmmssZ>". Other *.sql files directly in `dir` are removed after
// the backup copy (they would otherwise be parsed together with the new schema.sql and define
// every object twice); without `backup` they are removed too — the caller asks first.
WriteResult write_schema(const schema::Schema& s, const std::filesystem::path& dir, bool backup);

// The *.sql files directly in `dir` (name order) that write_schema would replace; `dir` itself
// when it is a file.
std::vector<std::filesystem::path> existing_schema_files(const std::filesystem::path& dir);

}  // namespace flash::pull
