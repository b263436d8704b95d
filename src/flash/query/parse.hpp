#pragma once
// Query parsing: one (parameter-rewritten) statement → the neutral AST of ast.hpp. The parser is
// chosen by dialect from an explicit table in parse.cpp: PostgreSQL through libpg_query
// (parse_postgres.cpp); MySQL and SQLite through parse_mysql_sqlite.cpp.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flash/query/ast.hpp"
#include "flash/schema/model.hpp"

namespace flash::query {

struct ParseResult {
  std::optional<ast::Statement> statement;  // set on success
  std::string error;                        // the parser's message otherwise
  std::string error_code;                   // diagnostic code; "" = query.syntax
  std::size_t error_offset = 0;             // byte offset of the error in the parsed text
  bool multiple = false;                    // more than one statement was found
};

using ParseFunction = ParseResult (*)(std::string_view sql, schema::Dialect d);

// Dispatches on the dialect; a dialect without a parser yields an error result.
ParseResult parse_query(std::string_view sql, schema::Dialect d);

// A PostgreSQL CREATE FUNCTION's signature (user functions are kept in Schema::raw; the analyzer
// types calls to them from this).
struct FunctionSignature {
  struct Arg {
    std::string name;
    ast::TypeName type;
    char mode = 'i';  // 'i' in, 'o' out, 'b' inout, 'v' variadic, 't' RETURNS TABLE column
  };
  std::vector<Arg> args;
  ast::TypeName return_type;  // empty names for RETURNS TABLE / OUT-only functions
  bool returns_set = false;   // SETOF / RETURNS TABLE
  bool table = false;         // RETURNS TABLE (...)
  bool variadic = false;
};
std::optional<FunctionSignature> parse_function_signature(std::string_view create_function_sql);

// The per-dialect parsers listed in parse.cpp.
ParseResult parse_postgres(std::string_view sql, schema::Dialect d);
ParseResult parse_mysql_sqlite(std::string_view sql, schema::Dialect d);

}  // namespace flash::query
