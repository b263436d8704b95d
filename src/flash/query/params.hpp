#pragma once
// Parameter rewriting: the parameter forms a query file may use — `$1`, `?`, `?1`, `@name`,
// `sqlc.arg(name)`, `sqlc.narg(name)` (nullable), `sqlc.slice(name)` and `sqlc.embed(table)` —
// are rewritten to the engine's own placeholders, with a side table saying where each one was.
//
// Engine placeholders: PostgreSQL `$n` (a name used twice gets one number), SQLite `?n` (same),
// MySQL `?` (every occurrence is its own placeholder, numbered by position). A slice becomes
// `/*SLICE:name*/?` for the ?-engines (expanded at run time) and `$n` (an array) for PostgreSQL.
// `sqlc.embed(t)` becomes `t.*`. `@name` is a parameter in PostgreSQL and SQLite; in MySQL it is a
// user variable and is left alone. Text inside strings, quoted identifiers, dollar quotes and
// comments is never touched. Numbering restarts after each top-level `;`.
//
// Names: an unquoted name is folded to lower case; a quoted or string name is kept as written.
// Errors (the statement is then left unchanged): `sqlc.<unknown>`, a wrong argument count, an
// argument that is not a name or string — same messages as sqlc.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "flash/schema/model.hpp"

namespace flash::query {

struct ParamSite {
  int number = 0;            // $n / ?n / position of the ? (1-based)
  std::size_t location = 0;  // offset of the placeholder in the rewritten text
  std::size_t origin = 0;    // offset of what was written in the input
  std::string name;          // empty for positional placeholders
  bool named = false;
  bool nullable = false;     // sqlc.narg
  bool slice = false;        // sqlc.slice
};

struct EmbedSite {
  std::string table;         // as written (quoted identifiers keep their quotes)
  std::string table_name;    // the table's name (unquoted, folded)
  std::size_t location = 0;
  std::size_t origin = 0;
  std::string orig;          // "sqlc.embed(users)"
};

struct RewrittenStatement {
  std::size_t start = 0;     // byte range of the statement in the rewritten text
  std::size_t end = 0;
  std::vector<ParamSite> params;  // in placeholder order
  std::vector<EmbedSite> embeds;
  std::string error;         // set when the statement was left unchanged because of an error
  std::size_t error_at = 0;  // input offset of the error
};

struct Rewritten {
  std::string sql;
  std::vector<RewrittenStatement> statements;
  struct Edit {  // one replaced span
    std::size_t out_begin = 0, out_end = 0, in_begin = 0, in_end = 0;
  };
  std::vector<Edit> edits;  // in order
  // Maps an offset in `sql` back to the input (for diagnostics).
  std::size_t to_input(std::size_t rewritten_offset) const;
};

Rewritten rewrite_params(std::string_view input, schema::Dialect d);

}  // namespace flash::query
