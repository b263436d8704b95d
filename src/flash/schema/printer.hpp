#pragma once
// Model → DDL. print(parse(x)) is normalised DDL; parse(print(m)) == m is a tested property.
#include <string>
#include <vector>

#include "flash/schema/model.hpp"

namespace flash::schema {

struct PrintOptions {
  bool if_not_exists = false;
};

// The whole schema as a script, objects in dependency order: schemas, extensions, enums, domains,
// range types, sequences, tables (referenced tables first; foreign keys of cycles as separate ALTER TABLE
// ... ADD CONSTRAINT), indexes, views, comments, raw statements. Statements end with ";\n".
std::string print_schema(const Schema& s, const PrintOptions& opts = {});

// Single objects, for the migration renderer. No trailing semicolon.
std::string print_create_table(const Table& t, Dialect d, const Schema* ctx = nullptr);
// PostgreSQL folds a UNIQUE constraint on the primary key's (or an earlier UNIQUE's) columns into
// that key within CREATE TABLE; print_create_table leaves such constraints out and these
// ALTER TABLE ... ADD CONSTRAINT statements, run after it, add them.
std::vector<std::string> print_unique_after_table(const Table& t, Dialect d);
std::string print_column_definition(const Column& c, Dialect d);
std::string print_create_index(const Index& i, Dialect d);
std::string print_create_enum(const EnumType& e);
std::string print_create_view(const View& v, Dialect d);
std::string print_foreign_key(const ForeignKey& fk, Dialect d);  // "CONSTRAINT n FOREIGN KEY ..."
// PostgreSQL sequences: CREATE SEQUENCE with its options (no OWNED BY: the owning column does not
// exist yet when sequences are created), and ALTER SEQUENCE ... OWNED BY (NONE when unowned).
std::string print_create_sequence(const Sequence& s, bool if_not_exists = false);
std::string print_sequence_owner(const Sequence& s);
std::string print_create_domain(const Domain& d);                 // PostgreSQL CREATE DOMAIN
std::string print_create_range(const RangeType& r);               // PostgreSQL CREATE TYPE ... AS RANGE
std::string print_check(const CheckConstraint& c, Dialect d);      // "[CONSTRAINT n] CHECK (expr)"

// The one identifier quoting of each dialect: "x" (PostgreSQL, SQLite) or `x` (MySQL), the quote
// character doubled inside. quote_ident_always quotes every name (statements built from names a
// user, a file or a catalog gave); quote_ident only where needed (reserved word, upper case in
// PostgreSQL, non-identifier characters), for printed schemas: "user", `order`.
std::string quote_ident_always(std::string_view name, Dialect d);
std::string quote_ident(std::string_view name, Dialect d);
std::string quote_qualified(std::string_view schema, std::string_view name, Dialect d);
// The one string-literal quoting of each dialect: '...' with ' doubled; MySQL also doubles
// backslashes (its default sql_mode reads them as escapes) and writes NUL as \0; PostgreSQL and
// SQLite drop NUL (no text value of theirs holds one, and it would end the statement text).
std::string quote_string(std::string_view s, Dialect d);
// quote_string for PostgreSQL and SQLite (standard SQL: only ' is doubled).
std::string quote_string(std::string_view s);

}  // namespace flash::schema
