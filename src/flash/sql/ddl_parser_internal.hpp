#pragma once
// Private to flash/sql: the single-token scanner shared by lex() and split_statements(), and the
// MySQL/SQLite DDL parser entry used by ddl.cpp. Not part of the public interface.
#include <cstddef>
#include <string>
#include <string_view>

#include "flash/schema/model.hpp"
#include "flash/sql/lexer.hpp"

namespace flash::sql::detail {

struct Scanned {
  TokenKind kind = TokenKind::end;
  std::size_t begin = 0;
  std::size_t end = 0;     // one past the last byte
  std::string text;        // decoded value (see Token::text)
  std::string error;       // non-empty: the token is unterminated (message for "sql.lex")
};

// Scans the token that starts at `pos` (pos < src.size()). Whitespace and comments are returned
// as tokens of their own kind. On an unterminated construct `error` is set and `end` is src.size().
Scanned scan_token(std::string_view src, std::size_t pos, schema::Dialect d);

// True for the characters that may continue an unquoted identifier (letters, digits, _, $ and
// any byte of a UTF-8 multi-byte sequence).
bool is_ident_char(char c);

}  // namespace flash::sql::detail
