#pragma once
// A real SQL lexer for the three SQL dialects: line and nested block comments, '...' strings with
// '' (and MySQL backslash) escapes, E'...' (PostgreSQL), $tag$ dollar quotes, "quoted" and
// `backtick` identifiers, [bracket] identifiers (SQLite), numbers, parameters ($1, ?, ?1, :name,
// @name), operators. Every token keeps its byte offset into the source.
#include <cstddef>
#include <optional>
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

// One token of `text` starting at `pos` (pos < text.size()), whitespace and comments included: the
// streaming form of lex() for passes that copy or rewrite SQL text byte for byte (query files,
// generators' placeholder rewriting) or need only its first words. The tokens of a text tile it
// exactly. On an unterminated string, quoted name or comment `error` is set and `end` is
// text.size().
struct Scanned {
  TokenKind kind = TokenKind::end;
  std::size_t begin = 0;
  std::size_t end = 0;     // one past the last byte
  std::string text;        // decoded value (see Token::text)
  std::string error;       // non-empty: the token is unterminated (message for "sql.lex")
};
Scanned scan_token(std::string_view text, std::size_t pos, schema::Dialect d);

// Lexes all of `src`. An unterminated string/comment/quote is reported as a located diagnostic
// (code "sql.lex") and lexing stops there.
std::vector<Token> lex(const SourceFile& src, schema::Dialect d, diag::Diagnostics& diags,
                       const LexOptions& opts = {});

// The deepest nesting of ( and [ the SQL front end accepts, in schema files, migrations and
// queries of every dialect (README "Limits"). Deeper input is one located "sql.too-deep" error:
// no parser recurses past it, and every pass over the tokens stays linear.
inline constexpr int kMaxNesting = 1000;

// Byte offset in `text` of the first bracket that opens level kMaxNesting + 1 (strings, quoted
// names and comments are skipped as the lexer reads them), or nullopt.
std::optional<std::size_t> too_deep_at(std::string_view text, schema::Dialect d);

// The first word of a statement, upper-cased, after whitespace, comments and opening parentheses
// ("" when something else comes first). Reads only up to that word, so it costs nothing on a
// 10 MB INSERT.
std::string leading_keyword(std::string_view sql, schema::Dialect d);

// The one rule for "a statement that changes rows" (row counts, MySQL's per-statement
// transactions in migrations): its leading keyword is INSERT, UPDATE, DELETE or REPLACE.
bool is_dml(std::string_view sql, schema::Dialect d);

// True for the reserved words normalize_expr upper-cases (case-insensitive).
bool is_keyword(std::string_view word);

// Normalised text of an expression for comparisons and printing: comments dropped, keywords
// upper-case, redundant outer parentheses removed, one space between tokens except after '(' '['
// '.' '::' and before ')' ']' ',' '.' '::' and between a function name and its '(':
// "now() AT TIME ZONE 'utc'", "coalesce(a, b)", "(a >= 1) AND (b < 2)", "x::text".
std::string normalize_expr(std::string_view expr, schema::Dialect d);

// `text` (SQL) with every whole-identifier occurrence of `from` (case-insensitive, bare or quoted)
// replaced by `to` (already quoted if needed), strings and comments left alone: a renamed column
// inside an expression.
std::string replace_identifier(std::string_view text, std::string_view from, std::string_view to,
                               schema::Dialect d);

}  // namespace flash::sql
