#pragma once
// Byte-exact tokens of query files, for the query stage where the exact source text must be kept
// and rewritten in place (named-parameter rewriting, splitting annotated blocks): the SQL lexer's
// tokens (sql::scan_token), whitespace and comments included, so the [begin, end) slices of all
// tokens tile the input.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "flash/schema/model.hpp"

namespace flash::query {

enum class QTok {
  word,          // bare identifier or keyword
  quoted_ident,  // "x" (PostgreSQL/SQLite), `x` (MySQL/SQLite), [x] (SQLite)
  string,        // '...', E'...', MySQL "..."
  dollar_string, // $$...$$ / $tag$...$tag$ (PostgreSQL)
  number,
  param,         // $1 (PostgreSQL), ? and ?N (MySQL/SQLite)
  op,            // a run of operator characters, or one punctuation character ( ) , ; . [ ]
  line_comment,  // -- ... (and # ... for MySQL), without the newline
  block_comment, // /* ... */ (nested in PostgreSQL)
  space,
};

struct QToken {
  QTok kind = QTok::space;
  std::size_t begin = 0;  // byte offsets into the scanned text
  std::size_t end = 0;
  std::string value;      // decoded identifier / string contents; raw text otherwise
  bool unterminated = false;  // string, quoted identifier or comment running to the end
};

std::vector<QToken> scan(std::string_view text, schema::Dialect d);

}  // namespace flash::query
