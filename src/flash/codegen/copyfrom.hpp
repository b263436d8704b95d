#pragma once
// What the generators need to emit a `:copyfrom` query: the table written to, its columns and,
// per column, the parameter whose value goes there. Shared by the Go, TypeScript and Python
// generators so the three accept exactly the same queries.
//
// A :copyfrom query is `INSERT INTO t [(cols)] VALUES (p1, p2, ...)` with exactly one VALUES row
// whose every item is a parameter (sqlc's rule: the rows come from the caller, a COPY has no
// expressions). No ON CONFLICT / ON DUPLICATE KEY / RETURNING / WITH / INSERT ... SELECT. Other
// shapes are reported as `gen.copyfrom` at the query's `-- name:` line.
//
// Drivers without a bulk protocol (database/sql, node-pg, mysql2, aiomysql, PyMySQL, ...) insert
// the rows as multi-row INSERTs, each with at most max_bind_params(dialect) parameters.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "flash/diag/diagnostic.hpp"
#include "flash/query/analyzed.hpp"
#include "flash/schema/model.hpp"

namespace flash::codegen {

struct CopyTarget {
  std::string schema;                    // "" when the query names none
  std::string table;                     // as the database names it
  std::vector<std::string> columns;      // in VALUES order (all table columns when none listed)
  std::vector<std::size_t> column_param; // per column: index into Query::params
};

// nullopt (and a gen.copyfrom diagnostic in diags) when the query is not a valid :copyfrom.
std::optional<CopyTarget> copy_target(const query::Query& q, schema::Dialect dialect, const schema::Schema* schema,
                                      diag::Diagnostics& diags);

// The bind-parameter limit of one statement: PostgreSQL and MySQL 65535, SQLite 32766
// (SQLITE_MAX_VARIABLE_NUMBER's default since 3.32).
std::size_t max_bind_params(schema::Dialect dialect);

// Rows per multi-row INSERT: max_bind_params / number of columns (at least 1).
std::size_t copy_chunk_rows(const CopyTarget& t, schema::Dialect dialect);

// "INSERT INTO <table> (<c1>, <c2>) VALUES " with quoted identifiers; the caller appends one
// placeholder group per row: "(?, ?)" (MySQL, SQLite) or "($1, $2)" numbered on (PostgreSQL).
std::string copy_insert_prefix(const CopyTarget& t, schema::Dialect dialect);

}  // namespace flash::codegen
