#pragma once
// DDL → schema model. PostgreSQL through libpg_query (PostgreSQL's own parser, converted to our
// model); MySQL and SQLite through our own recursive-descent parser over sql/lexer.
//
// Statements are applied to the model in order: CREATE adds, ALTER changes, DROP removes, so a
// directory of migrations replays into the schema they produce. DML (INSERT/UPDATE/DELETE/SELECT,
// SET, BEGIN/COMMIT ...) does not change the model and is skipped. Statements the model does not
// represent (functions, triggers, policies, grants) are appended to Schema::raw verbatim.
// Problems are located diagnostics (codes "sql.syntax", "sql.unknown-table", "sql.unknown-column",
// "sql.duplicate", ...); parsing continues with the next statement after an error.
#include <vector>

#include "flash/diag/diagnostic.hpp"
#include "flash/schema/model.hpp"
#include "flash/sql/source.hpp"

namespace flash::sql {

// Applies every statement of `file` to `model` (model.dialect selects the parser).
void apply_ddl(schema::Schema& model, const SourceFile& file, diag::Diagnostics& diags);

// `file` with the rollback sections of migration tools blanked (newlines kept, so locations stay
// true): goose `-- +goose Down`, sql-migrate `-- +migrate Down`, dbmate `-- migrate:down` up to the
// next Up marker, and everything below tern's `---- create above / drop below ----`.
SourceFile without_rollback_sections(const SourceFile& file, schema::Dialect d);

// A fresh model from files (their rollback sections left out), in the given order, then checked as a whole (sql/validate.hpp) when
// every statement parsed.
schema::Schema parse_schema(const std::vector<SourceFile>& files, schema::Dialect d,
                            diag::Diagnostics& diags);

// Per-dialect entry points, listed in the dialect table in ddl.cpp.
void apply_ddl_postgres(schema::Schema& model, const SourceFile& file, diag::Diagnostics& diags);
void apply_ddl_mysql(schema::Schema& model, const SourceFile& file, diag::Diagnostics& diags);
void apply_ddl_sqlite(schema::Schema& model, const SourceFile& file, diag::Diagnostics& diags);

}  // namespace flash::sql
