#pragma once
// Checks of a whole schema model, run by parse_schema once every file of schema_dir has been
// applied (so a foreign key may name a table declared later, in another file, or added by a later
// ALTER TABLE). Each finding is a located error that the database would otherwise only raise at
// `apply`:
//   sql.duplicate        a column declared twice in one table
//   sql.unknown-table    a foreign key to a table that does not exist
//   sql.unknown-column   a foreign key to / from, or an index on, a column that does not exist
//   sql.foreign-key      a foreign key whose column counts differ, or that names no columns of a
//                        table without a primary key
//   sql.unknown-type     a column type the engine does not know (PostgreSQL: built-in types, the
//                        project's enums, domains, composite/range/base types and tables, and the
//                        types of the extensions it creates; an extension Flash has no type list
//                        for turns the check off. MySQL/MariaDB: the server's type names. SQLite:
//                        any name, except in STRICT tables)
//   sql.name-too-long    an identifier over the engine's limit (PostgreSQL 63 bytes, which the
//                        server would silently truncate; MySQL 64 characters; SQLite none)
#include <vector>

#include "flash/diag/diagnostic.hpp"
#include "flash/schema/model.hpp"
#include "flash/sql/source.hpp"

namespace flash::sql {

// `files` are the texts the model came from (for the source line under each error).
void validate_schema(const schema::Schema& model, const std::vector<SourceFile>& files,
                     diag::Diagnostics& diags);

// Type names the dialect knows without a user definition (canonical spellings, see
// schema::canonical_type_name). Empty for SQLite, which accepts any name outside STRICT tables.
const std::vector<std::string>& builtin_type_names(schema::Dialect d);

// The identifier length limit of the dialect in bytes (PostgreSQL) or characters (MySQL); 0 = none.
std::size_t identifier_limit(schema::Dialect d);

}  // namespace flash::sql
