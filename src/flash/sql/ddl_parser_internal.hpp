#pragma once
// Private to flash/sql: the single-token scanner shared by lex() and split_statements(), and the
// MySQL/SQLite DDL parser entry used by ddl.cpp. Not part of the public interface.
#include <cstddef>
#include <string>
#include <string_view>

#include "flash/schema/model.hpp"
#include "flash/sql/lexer.hpp"

namespace flash::sql::detail {

// The single-token scanner (public as sql::scan_token), under the name the parsers use.
using sql::Scanned;
using sql::scan_token;

// True for the characters that may continue an unquoted identifier (letters, digits, _, $ and
// any byte of a UTF-8 multi-byte sequence).
bool is_ident_char(char c);

}  // namespace flash::sql::detail
