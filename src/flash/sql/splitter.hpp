#pragma once
// Statement splitting that understands the lexer's tokens (so ';' inside strings, comments, dollar
// quotes and BEGIN...END trigger bodies does not split) and keeps exact positions.
#include <string>
#include <vector>

#include "flash/sql/lexer.hpp"

namespace flash::sql {

struct Statement {
  std::string text;         // exact source text, trimmed, without the terminating ';'
  std::size_t offset = 0;   // byte offset of text in the source
  int line = 1;             // 1-based position of the first character of text
  int column = 1;
  std::string leading_comments;  // comment lines directly above the statement (for annotations)
};

std::vector<Statement> split_statements(const SourceFile& src, schema::Dialect d,
                                        diag::Diagnostics& diags);

}  // namespace flash::sql
