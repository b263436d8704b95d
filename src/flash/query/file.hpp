#pragma once
// Query files: db/queries/*.sql hold blocks introduced by an annotation line
//
//   -- Doc comment lines (optional) become the query's documentation.
//   -- @required email, name        (optional directive: these parameters are never NULL)
//   -- name: GetUser :one
//   SELECT ... ;                    comments inside the statement are kept
//
// Kinds are sqlc's (:one :many :exec :execrows :execresult :execlastid :copyfrom :batchexec
// :batchmany :batchone). A block runs until the end of its statement (';' outside strings and
// comments) or the next annotation. Malformed annotations (missing name or kind, unknown kind,
// duplicate names, SQL before any annotation, an annotation with no statement) are located
// diagnostics with code "query.annotation".
#include <string>
#include <vector>

#include "flash/diag/diagnostic.hpp"
#include "flash/query/analyzed.hpp"
#include "flash/schema/model.hpp"
#include "flash/sql/source.hpp"

namespace flash::query {

struct QueryBlock {
  std::string name;
  Kind kind = Kind::one;
  std::string sql;                    // the statement as written, trimmed, without the ';'
  std::size_t offset = 0;             // byte offset of `sql` in the file
  std::vector<std::string> comments;  // doc lines above the annotation, without "-- "
  std::vector<std::string> required;  // names from "-- @required a, b" ("*" = all)
  diag::Location loc;                 // the annotation line
};

std::optional<Kind> kind_from_string(std::string_view s);  // ":one" or "one"

std::vector<QueryBlock> read_query_file(const sql::SourceFile& file, schema::Dialect d,
                                        diag::Diagnostics& diags);

}  // namespace flash::query
