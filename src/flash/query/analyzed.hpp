#pragma once
// The query stage's output: every annotated query of db/queries/*.sql, analysed against the
// schema model. This is what generators consume (through codegen::Request); it must carry all a
// generator needs and nothing dialect-parsing-specific.
#include <optional>
#include <string>
#include <vector>

#include "flash/diag/diagnostic.hpp"
#include "flash/schema/model.hpp"
#include "flash/schema/types.hpp"

namespace flash::query {

// sqlc's kinds plus Flash's.
enum class Kind { one, many, exec, execrows, execresult, execlastid, copyfrom, batchexec, batchmany, batchone };
std::string_view to_string(Kind k);  // ":one" ...

struct ResolvedType {
  schema::TypeRef sql;             // the SQL type as the schema declares it (or inferred)
  schema::TypeCategory category = schema::TypeCategory::other;
  std::string enum_name;           // category == enum_: the enum's name (PostgreSQL type or
                                   // "<table>_<column>" for MySQL inline enums)
  std::vector<std::string> enum_values;
  int array_dims = 0;              // PostgreSQL arrays
  friend bool operator==(const ResolvedType&, const ResolvedType&) = default;
};

struct Column {                    // a result column
  std::string name;                // output name (alias or column name; "count" for COUNT(*) ...)
  ResolvedType type;
  bool nullable = true;
  std::string table;               // source table when the column comes straight from one
  std::string embed_table;         // set for columns of sqlc.embed(t): generators nest them
};

struct Param {
  int number = 0;                  // 1-based position in the rewritten SQL ($n / n-th ?)
  std::string name;                // from @name / sqlc.arg / the column it binds to; unique
  ResolvedType type;
  bool nullable = false;           // sqlc.narg, or bound to a nullable column where NULL is valid
  bool is_slice = false;           // sqlc.slice(name): IN list, expanded at run time for ?-engines
};

struct Query {
  std::string name;                // "GetUser"
  Kind kind = Kind::one;
  std::string source_sql;          // the query as written (comments kept)
  std::string sql;                 // rewritten for the engine: named params → $n (PostgreSQL),
                                   // ? (MySQL: a name used twice is bound twice, see bind_order)
                                   // or ?n (SQLite: numbered, so a name used twice binds once);
                                   // a slice becomes /*SLICE:name*/? for ?-engines
  std::vector<Param> params;       // in SQL order
  std::vector<Column> columns;     // empty for exec kinds
  std::vector<std::string> comments;  // doc comment lines above the query (without "-- ")
  std::string file;                // query file path
  diag::Location loc;              // the "-- name:" line
  // For :one/:many returning exactly all columns of one table in order: that table (generators
  // may reuse the table's model struct as sqlc does).
  std::string returns_table;
  // ?-engines: for each `?` of `sql` in order, the index into `params` of the value to bind (a
  // name used twice binds the same parameter twice). Empty for PostgreSQL: $n binds params[n-1].
  std::vector<int> bind_order;
  std::vector<std::string> required;  // names from `-- @required` ("*" = all parameters)
};

struct AnalyzedQueries {
  schema::Dialect dialect = schema::Dialect::postgresql;
  std::vector<Query> queries;
};

}  // namespace flash::query
