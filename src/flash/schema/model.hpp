#pragma once
// The database-neutral schema model: the one structure shared by schema-file parsing, live
// database introspection (pull), the differ and code generation. Values only, no behaviour
// beyond comparison; every type compares with == so `parse(print(m)) == m` can be tested.
//
// Normalisation rules (parsers and introspectors must follow them so that equal schemas compare
// equal):
//  * Identifiers are stored as the database folds them: unquoted PostgreSQL names lower-case,
//    quoted names verbatim; MySQL/SQLite names as written.
//  * An empty `schema` means the default schema (PostgreSQL "public", the MySQL database, SQLite
//    "main"); parsers store "" rather than "public".
//  * A PRIMARY KEY written on a column is stored in Table::primary_key; likewise inline UNIQUE,
//    REFERENCES and CHECK become table-level entries. Unnamed constraints keep name "".
//  * Primary-key columns are NOT NULL.
//  * Type names are lower-case canonical spellings of the dialect (see types.hpp canonical_type):
//    PostgreSQL "int4"→"integer", "varchar"→"character varying" is NOT done: we keep the
//    commonly written short forms listed in types.hpp.
//  * SERIAL/BIGSERIAL/SMALLSERIAL become their integer type with auto_increment = true
//    (PostgreSQL), MySQL AUTO_INCREMENT and SQLite AUTOINCREMENT likewise set auto_increment.
//  * Default and CHECK/generated expressions are kept as SQL text, normalised by the parser's
//    expression printer (single spaces, keywords upper-case) so equal expressions compare equal.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "flash/diag/diagnostic.hpp"

namespace flash::schema {

enum class Dialect { postgresql, mysql, sqlite, mongodb };
std::string_view to_string(Dialect d);
// The engine's name for messages: "PostgreSQL", "MySQL", "SQLite", "MongoDB".
std::string engine_name(Dialect d);
// "postgresql"/"postgres"/"pg", "mysql"/"mariadb", "sqlite"/"sqlite3", "mongodb"/"mongo".
std::optional<Dialect> dialect_from_string(std::string_view s);

struct TypeRef {
  std::string name;               // canonical lower-case base name ("integer", "varchar", "mood")
  std::string schema;             // for user-defined types (enums, domains); "" = default
  std::vector<std::string> args;  // modifiers as written: {"255"}, {"10","2"}, {"6"}
  int array_dims = 0;             // PostgreSQL arrays: integer[] → 1
  bool is_unsigned = false;       // MySQL UNSIGNED
  bool zerofill = false;          // MySQL ZEROFILL
  std::vector<std::string> values;  // MySQL inline ENUM(...)/SET(...) values
  std::string charset;            // MySQL CHARACTER SET on the column type
  friend bool operator==(const TypeRef&, const TypeRef&) = default;
};

enum class Identity { none, always, by_default };
enum class GeneratedKind { none, stored, virtual_ };

struct Column {
  std::string name;
  TypeRef type;
  bool nullable = true;
  std::optional<std::string> default_expr;
  Identity identity = Identity::none;
  std::string identity_options;   // PostgreSQL sequence options as written, normalised ("START WITH 10")
  bool auto_increment = false;    // SERIAL, AUTO_INCREMENT, AUTOINCREMENT
  GeneratedKind generated = GeneratedKind::none;
  std::string generated_expr;
  std::optional<std::string> collation;
  std::optional<std::string> on_update;  // MySQL ON UPDATE CURRENT_TIMESTAMP
  std::optional<std::string> comment;
  // SQLite: NOT NULL only because the column is in the PRIMARY KEY, not written (SQLite itself
  // lets NULL into such a column and reports it NULL-able), so the printer does not write it
  // either. Ignored by ==.
  bool implied_not_null = false;
  diag::Location loc;  // where it was declared; ignored by ==
  friend bool operator==(const Column& a, const Column& b);
};

// `unspecified`: no ON DELETE / ON UPDATE was written. What an engine records for that differs:
// PostgreSQL and SQLite enforce NO ACTION (PostgreSQL's catalog cannot tell an explicit NO ACTION
// from none, so its parser stores both as unspecified); MariaDB records RESTRICT, MySQL 8 NO
// ACTION, and each records an explicit NO ACTION / RESTRICT as written (REFERENTIAL_CONSTRAINTS),
// so the MySQL and SQLite parsers keep what was written. Comparisons by meaning: same_foreign_key.
enum class RefAction { unspecified, no_action, restrict, cascade, set_null, set_default };
std::string_view to_sql(RefAction a);  // "NO ACTION", "RESTRICT", ...; "" for unspecified
// The action the engine enforces: unspecified → NO ACTION on PostgreSQL and SQLite; on MySQL
// (InnoDB checks immediately, NO ACTION is RESTRICT) unspecified and NO ACTION → RESTRICT.
RefAction effective_action(RefAction a, Dialect d);

struct PrimaryKey {
  std::string name;
  std::vector<std::string> columns;
  friend bool operator==(const PrimaryKey&, const PrimaryKey&) = default;
};

struct UniqueConstraint {
  std::string name;
  std::vector<std::string> columns;
  bool nulls_not_distinct = false;  // PostgreSQL 15
  friend bool operator==(const UniqueConstraint&, const UniqueConstraint&) = default;
};

struct ForeignKey {
  std::string name;
  std::vector<std::string> columns;
  std::string ref_schema;
  std::string ref_table;
  std::vector<std::string> ref_columns;  // empty = the referenced table's primary key
  RefAction on_delete = RefAction::unspecified;
  RefAction on_update = RefAction::unspecified;
  std::string match;          // "", "FULL", "PARTIAL", "SIMPLE"
  bool deferrable = false;
  bool initially_deferred = false;
  friend bool operator==(const ForeignKey&, const ForeignKey&) = default;
};
// Whether two foreign keys are the same constraint on dialect `d`: equal but for actions that
// mean the same there (effective_action).
bool same_foreign_key(const ForeignKey& a, const ForeignKey& b, Dialect d);

struct CheckConstraint {
  std::string name;
  std::string expr;  // normalised expression text, without the outer parentheses
  bool no_inherit = false;
  friend bool operator==(const CheckConstraint&, const CheckConstraint&) = default;
};

struct Table {
  std::string schema;
  std::string name;
  std::vector<Column> columns;  // declaration order
  std::optional<PrimaryKey> primary_key;
  std::vector<UniqueConstraint> uniques;
  std::vector<ForeignKey> foreign_keys;
  std::vector<CheckConstraint> checks;
  std::optional<std::string> comment;
  // Dialect table options: MySQL ENGINE/DEFAULT CHARSET/COLLATE/AUTO_INCREMENT..., SQLite
  // "without_rowid"/"strict" = "1", PostgreSQL "unlogged" = "1", "partition_by" = text.
  std::map<std::string, std::string> options;
  bool if_not_exists = false;  // as written; not part of equality
  diag::Location loc;
  friend bool operator==(const Table& a, const Table& b);

  const Column* find_column(std::string_view name) const;
  Column* find_column(std::string_view name);
};

struct IndexPart {
  std::string column;      // set for a plain column
  std::string expr;        // set for an expression part (normalised text)
  bool descending = false;
  std::string collation;
  std::string opclass;
  std::optional<int> length;  // MySQL prefix length: idx(name(10))
  friend bool operator==(const IndexPart&, const IndexPart&) = default;
};

struct Index {
  std::string schema;
  std::string name;
  std::string table;
  bool unique = false;
  std::vector<IndexPart> parts;
  std::string method;   // "" = default (btree); "gin", "gist", "hash", "fulltext", "spatial"
  std::string where;    // partial index predicate, normalised
  std::vector<std::string> include;  // PostgreSQL INCLUDE (...)
  // PostgreSQL storage parameters WITH (...), as pg_get_indexdef prints them: "fastupdate='false'"
  // (name=value, ", "-separated; a value is quoted unless it is a plain identifier). "" = none.
  std::string with;
  bool concurrently = false;  // as written; not part of equality
  diag::Location loc;
  friend bool operator==(const Index& a, const Index& b);
};

struct EnumType {  // PostgreSQL CREATE TYPE ... AS ENUM
  std::string schema;
  std::string name;
  std::vector<std::string> values;
  diag::Location loc;
  friend bool operator==(const EnumType& a, const EnumType& b);
};

struct Domain {  // PostgreSQL CREATE DOMAIN
  std::string schema;
  std::string name;
  TypeRef type;
  bool nullable = true;
  std::optional<std::string> default_expr;
  std::vector<CheckConstraint> checks;
  friend bool operator==(const Domain&, const Domain&) = default;
};

// PostgreSQL CREATE TYPE ... AS RANGE. Options left to PostgreSQL's defaults are "" (the
// subtype's default operator class and collation, no canonical or subtype_diff function, the
// multirange type named as PostgreSQL names it), so written-out defaults compare equal to none.
// The constructor functions PostgreSQL creates with the type (name(lower, upper[, bounds]) and the
// multirange's) belong to it and are not listed anywhere.
struct RangeType {
  std::string schema;
  std::string name;
  TypeRef subtype;
  std::string subtype_opclass;  // operator class, as SQL (quoted where needed; schema-qualified outside public)
  std::string collation;        // as Column::collation
  std::string canonical;        // function, as SQL like subtype_opclass
  std::string subtype_diff;     // function, as SQL like subtype_opclass
  std::string multirange;       // multirange type name (in the range's schema); "" = the default name
  diag::Location loc;
  friend bool operator==(const RangeType& a, const RangeType& b);

  // The multirange type's name, as given or as PostgreSQL derives it ("uuidrange" → "uuidmultirange",
  // "period" → "period_multirange").
  std::string multirange_name() const;
};
std::string default_multirange_name(std::string_view range_name);

// Stand-alone PostgreSQL sequences (not the implicit ones of serial and identity columns).
// Options equal to PostgreSQL's defaults (for the type and the direction of `increment`) are
// stored as nullopt, so "CREATE SEQUENCE s" and pg_dump's spelled-out "AS bigint START WITH 1
// INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1" compare equal (normalize_sequence).
struct Sequence {
  std::string schema;
  std::string name;
  std::string type;  // AS type: "" = bigint (the default), "integer", "smallint"
  std::optional<std::int64_t> increment, min_value, max_value, start, cache;
  bool cycle = false;
  // OWNED BY: "table.column" or "schema.table.column" (default schema omitted); "" = none.
  std::string owned_by;
  diag::Location loc;
  friend bool operator==(const Sequence& a, const Sequence& b);

  // Effective values (the defaults filled in), as PostgreSQL's sequence.c init_params computes them.
  std::int64_t increment_value() const { return increment.value_or(1); }
  std::int64_t min_effective() const;
  std::int64_t max_effective() const;
  std::int64_t start_effective() const;
  // Option clauses as CREATE SEQUENCE takes them, without OWNED BY: "AS integer INCREMENT BY 2".
  std::string options_text() const;
};
// Drops explicit options that equal their defaults and canonicalises the type name.
void normalize_sequence(Sequence& s);
// PostgreSQL's makeObjectName: "name1_name2_label" (name2 may be empty), cut to 63 bytes by
// shortening the longer part, never inside a UTF-8 character.
std::string pg_object_name(std::string name1, std::string name2, const std::string& label);
// The name PostgreSQL gives the sequence of a serial (or identity) column when it is free:
// <table>_<column>_seq, cut like pg_object_name.
inline std::string pg_serial_sequence_name(const std::string& table, const std::string& column) {
  return pg_object_name(table, column, "seq");
}
// A PostgreSQL serial column written out as what the catalog holds for it once it is no longer a
// plain serial (its sequence had to take another name, the table or column was renamed, the
// default dropped, the type changed): clears auto_increment, gives the column the default
// nextval('seq_name') and returns its sequence (of the column's type, OWNED BY the column).
Sequence detach_serial(const Table& t, Column& c, const std::string& seq_name);
// The owner of a sequence split into schema ("" = default), table and column; empty when none.
struct SequenceOwner {
  std::string schema, table, column;
  bool empty() const { return table.empty(); }
};
SequenceOwner sequence_owner(const Sequence& s);
std::string owner_text(const SequenceOwner& o);  // back to the owned_by form

struct View {
  std::string schema;
  std::string name;
  std::vector<std::string> columns;  // explicit column list, if given
  std::string query;                 // the SELECT, as written (trimmed)
  bool materialized = false;
  diag::Location loc;
  friend bool operator==(const View& a, const View& b);
};

struct Extension {
  std::string name;
  std::string schema;
  friend bool operator==(const Extension&, const Extension&) = default;
};

// A statement the model does not represent (functions, triggers, policies, grants ...): kept
// verbatim and in order so that nothing written by the user is lost.
struct RawStatement {
  std::string kind;  // "function", "trigger", "policy", ... (lower-case, best effort)
  std::string name;  // object name when known
  std::string sql;   // exact source text, without the trailing semicolon
  diag::Location loc;
  friend bool operator==(const RawStatement& a, const RawStatement& b);
};

struct Comment {  // COMMENT ON for objects other than tables and columns
  std::string object_kind;  // "index", "view", "type", ...
  std::string object_name;
  std::string text;
  friend bool operator==(const Comment&, const Comment&) = default;
};

struct Schema {
  Dialect dialect = Dialect::postgresql;
  std::vector<std::string> schemas;  // CREATE SCHEMA names, in order
  std::vector<Extension> extensions;
  std::vector<EnumType> enums;
  std::vector<Domain> domains;
  std::vector<RangeType> ranges;
  std::vector<Sequence> sequences;
  std::vector<Table> tables;  // declaration order
  std::vector<Index> indexes;
  std::vector<View> views;
  std::vector<Comment> comments;
  std::vector<RawStatement> raw;
  friend bool operator==(const Schema&, const Schema&) = default;

  const Table* find_table(std::string_view name, std::string_view schema = "") const;
  Table* find_table(std::string_view name, std::string_view schema = "");
  const EnumType* find_enum(std::string_view name, std::string_view schema = "") const;
  const View* find_view(std::string_view name, std::string_view schema = "") const;
  std::vector<const Index*> indexes_of(std::string_view table, std::string_view schema = "") const;
};

// "schema.name" or "name".
std::string qualified(std::string_view schema, std::string_view name);

}  // namespace flash::schema
