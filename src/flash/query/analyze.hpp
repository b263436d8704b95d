#pragma once
// The query analyzer: annotated query files + the schema model (the catalog) → AnalyzedQueries.
//
// For each `-- name:` block: parameters are rewritten (params.hpp), the statement is parsed into
// the neutral AST by the dialect's parser (parse.hpp), and one analyzer over that AST resolves
// names (tables, views, aliases, CTEs incl. recursive ones, subqueries, joins with ON/USING/
// NATURAL, `*` and `t.*`, set operations), types and nullability of result columns (outer-join
// sides nullable, COUNT not null, SUM/AVG/MIN/MAX nullable, COALESCE not null when one argument
// is not, CASE, CAST, arithmetic, JSON operators, arrays, a per-dialect function table), and
// infers each parameter's type, nullability and name from where it is used (comparison with a
// column, INSERT column lists incl. multi-row VALUES, UPDATE SET, LIMIT/OFFSET, IN lists,
// BETWEEN, function arguments, casts).
//
// Problems are located diagnostics (file:line:col of the offending token inside the query file):
//   query.syntax            the statement does not parse
//   query.unknown-table     relation not in the schema (with did-you-mean)
//   query.unknown-column    column not found (with did-you-mean)
//   query.ambiguous-column  unqualified column found in several tables
//   query.param             parameter numbering gaps, sqlc.* misuse
//   query.kind              :one/:many on a statement that returns no rows, :copyfrom misuse
//   query.annotation        malformed `-- name:` lines (see file.hpp)
// Unknown functions are a warning (query.unknown-function) and type as `other`.
// A query with an error is left out of the result; analysis goes on with the next one.
#include <vector>

#include "flash/diag/diagnostic.hpp"
#include "flash/query/analyzed.hpp"
#include "flash/query/file.hpp"
#include "flash/schema/model.hpp"
#include "flash/sql/source.hpp"

namespace flash::query {

AnalyzedQueries analyze_queries(const schema::Schema& schema, const std::vector<sql::SourceFile>& query_files,
                                diag::Diagnostics& diags);

// One block of `file` (as read by read_query_file); nullopt when it has errors (in diags).
std::optional<Query> analyze_query(const schema::Schema& schema, const QueryBlock& block,
                                   const sql::SourceFile& file, diag::Diagnostics& diags);

}  // namespace flash::query
