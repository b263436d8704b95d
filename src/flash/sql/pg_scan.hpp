#pragma once
// Private helpers for the PostgreSQL DDL parser (ddl_postgres.cpp): PostgreSQL's own lexer
// (libpg_query's pg_query_scan), with positions as byte offsets. Statements are split by
// sql::split_statements, the one splitter of every dialect.
//
// libpg_query returns scan results as protobuf; the Debian package ships no protobuf-c headers,
// so the two tiny messages involved (ScanResult{version=1, tokens=2}, ScanToken{start=1, end=2,
// token=4, keyword_kind=5}) are decoded here by hand.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flash::sql::pg {

struct Token {
  int start = 0;  // byte offset of the first character
  int end = 0;    // byte offset one past the last character
  int kind = 0;   // libpg_query Token enum: ASCII value for one-character punctuation, 258.. else
  int keyword_kind = 0;  // 0 = not a keyword
};

// Token kinds used by the parser (values of libpg_query's Token enum, pg_query.proto).
inline constexpr int tok_ident = 258;
inline constexpr int tok_sconst = 261;
inline constexpr int tok_sql_comment = 275;
inline constexpr int tok_c_comment = 276;

struct ScanError {
  std::string message;
  int cursorpos = 0;  // 1-based character position as reported by PostgreSQL (0 = unknown)
};

// Tokens of `text` without comments. On a lexical error (unterminated quote/comment) returns
// nullopt and fills `err`.
std::optional<std::vector<Token>> scan(const std::string& text, ScanError* err);

// Byte offset of the first byte that is not part of a valid UTF-8 sequence, if any.
std::optional<std::size_t> first_invalid_utf8(std::string_view s);

// Byte offset of a 1-based character position (PostgreSQL reports error cursors in characters).
std::size_t char_pos_to_byte(std::string_view text, int cursorpos);

}  // namespace flash::sql::pg
