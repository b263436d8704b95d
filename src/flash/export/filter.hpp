#pragma once
// The `flash export --where` filter: user text that ends up inside a SELECT, so it is checked to
// be exactly one SQL expression before it gets there. The text is lexed with the project's lexer
// (no comments, no ';', no parameters, balanced parentheses, terminated strings) and parsed with
// the dialect's query parser as the condition of `SELECT 1 FROM t WHERE (<filter>)`: anything
// but one condition (a second statement, a set operation, ORDER BY/LIMIT, a WITH, a locking
// clause) is rejected, and so are calls of functions that act outside the query (sleeping,
// other connections, files, locks, sequences, configuration, SQL given as a string).
// The export itself runs in a read-only transaction, so a filter cannot write either way.
#include <string_view>

#include "flash/schema/model.hpp"

namespace flash::exporter {

// Throws diag::Error code "export.where" located in the filter text (file "--where", line 1,
// column of the offending token), exit code usage.
void check_filter(std::string_view where, schema::Dialect d);

}  // namespace flash::exporter
