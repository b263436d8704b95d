#pragma once
// A real SQL lexer for the three SQL dialects: line and nested block comments, '...' strings with
// '' (and MySQL backslash) escapes, E'...' (PostgreSQL), $tag$ dollar quotes, "quoted" and
// `backtick` identifiers, [bracket] identifiers (SQLite), numbers, parameters ($1, ?, ?1, :name,
// @name), operators. Every token keeps its byte offset into the source.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "flash/diag/diagnostic.hpp"
#include "flash/schema/model.hpp"
#include "flash/sql/source.hpp"

namespace flash::sql {

enum class TokenKind {
  identifier,     // bare word (keywords included: check with is_keyword)
  quoted_ident,   // "x", `x`, [x] — text() is the unquoted name
  string,         // '...', E'...', $$...$$ — text() is the decoded value
  number,
  param,          // $1, ?, ?1, :name, @name
  op,             // operators and punctuation: ( ) , ; . :: = <> etc.
  comment,        // only produced with LexOptions::keep_comments
  whitespace,     // only produced with LexOptions::keep_whitespace
  end,
};

struct Token {
  TokenKind kind = TokenKind::end;
  std::string_view raw;  // exact source slice
  std::string text;      // decoded value (unquoted identifier, string contents), else == raw
  std::size_t offset = 0;
  bool is(std::string_view keyword) const;  // case-insensitive match on a bare identifier or op
};

struct LexOptions {
  bool keep_comments = false;
  bool keep_whitespace = false;
};

// Lexes all of `src`. An unterminated string/comment/quote is reported as a located diagnostic
// (code "sql.lex") and lexing stops there.
std::vector<Token> lex(const SourceFile& src, schema::Dialect d, diag::Diagnostics& diags,
                       const LexOptions& opts = {});

// True for the reserved words normalize_expr upper-cases (case-insensitive).
bool is_keyword(std::string_view word);

// Normalised text of an expression for comparisons and printing: comments dropped, keywords
// upper-case, redundant outer parentheses removed, one space between tokens except after '(' '['
// '.' '::' and before ')' ']' ',' '.' '::' and between a function name and its '(':
// "now() AT TIME ZONE 'utc'", "coalesce(a, b)", "(a >= 1) AND (b < 2)", "x::text".
std::string normalize_expr(std::string_view expr, schema::Dialect d);

}  // namespace flash::sql
