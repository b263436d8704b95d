#pragma once
// An export file is data: the schema it carries is only a description of the tables, never SQL to
// run. Before import creates missing tables from it, the model is reduced to what Flash can
// validate, and everything else is dropped with a note saying what:
//  * identifiers: non-empty, within the engine's length limit, no control characters; printed
//    through the dialect's quoting function;
//  * types: a name of the dialect's type vocabulary (lower-case words, no constraint keywords),
//    numeric modifiers, a plain character set; anything else becomes the type Flash chooses for
//    the column's category (as for an import into another engine);
//  * default and CHECK expressions: kept only when every token is in an allowed set (numbers,
//    strings, the table's own columns, comparison/arithmetic/logic operators, casts to vocabulary
//    types, a short list of functions without side effects — now(), CURRENT_TIMESTAMP,
//    gen_random_uuid(), lower(), length() ... — and nextval() of the column's own sequence);
//  * generated columns, identity and sequence options, index expressions and predicates, index
//    methods outside the engine's built-in ones, table options, domains, sequences, extensions,
//    schemas, views, comments and raw statements: dropped.
#include <string>
#include <vector>

#include "flash/schema/model.hpp"

namespace flash::exporter {

// Returns the model to create (same dialect as `s`) and appends one line per dropped item to
// `dropped` ("table `t` column `c`: default `...` dropped (not a literal or a known function)").
schema::Schema sanitize_for_create(const schema::Schema& s, std::vector<std::string>& dropped);

// Whether an expression is in the allowed set above, for a column of `t` (exposed for tests).
bool safe_expression(std::string_view expr, const schema::Table& t, schema::Dialect d);

}  // namespace flash::exporter
