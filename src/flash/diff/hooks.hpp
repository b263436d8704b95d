#pragma once
// Per-dialect answers for the differ (plan.hpp). The differ walks two models once, dialect-blind;
// whenever it needs to know whether a change can be done in place or how a statement is spelled
// it asks the DialectHooks of the target dialect. One implementation per dialect
// (postgres_hooks.cpp, mysql_hooks.cpp, sqlite_hooks.cpp), listed in the table in hooks.cpp.
//
// Every rendering function returns statements without a trailing ';'. Tables and columns passed
// in are model values; names are quoted here, never by the caller.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flash/diff/plan.hpp"
#include "flash/schema/model.hpp"

namespace flash::diff {

// The statements that rebuild one table (SQLite 12-step): `from_table` → `to_table`, copying
// `common_columns` (already renamed), recreating `indexes` and `triggers` afterwards.
struct RebuildSpec {
  const schema::Table* from_table = nullptr;
  const schema::Table* to_table = nullptr;
  std::vector<std::string> common_columns;
  std::vector<const schema::Index*> indexes;       // of the target definition
  std::vector<const schema::RawStatement*> triggers;
  const schema::Schema* ctx = nullptr;             // model the target table lives in
};

class DialectHooks {
 public:
  virtual ~DialectHooks() = default;
  virtual schema::Dialect dialect() const = 0;

  // ---- capabilities -------------------------------------------------------------------------
  // DDL runs inside a transaction (false for MySQL: each statement commits on its own).
  virtual bool transactional_ddl() const = 0;
  // PostgreSQL CREATE TYPE ... AS ENUM types exist.
  virtual bool named_enum_types() const = 0;
  // Whether an existing table can take this change with ALTER statements; false → the differ
  // folds every change to the table into one rebuild_table operation (SQLite).
  virtual bool can_alter_constraints() const = 0;  // PK/UNIQUE/FK/CHECK add & drop
  virtual bool can_alter_column(const schema::Column& from, const schema::Column& to) const = 0;
  virtual bool can_add_column(const schema::Table& t, const schema::Column& c) const = 0;
  // `from` is the schema the table currently lives in (for index and view dependencies).
  virtual bool can_drop_column(const schema::Table& t, const schema::Column& c,
                               const schema::Schema& from) const = 0;
  // Whether views that read a table must be dropped and recreated around a change of the
  // table's columns (PostgreSQL refuses ALTER COLUMN TYPE on columns a view uses; SQLite rebuilds).
  virtual bool views_block_column_changes() const = 0;
  virtual bool supports_comments() const = 0;
  // Index names are unique per table (MySQL) rather than per schema (PostgreSQL, SQLite): an
  // index is then identified by (table, name).
  virtual bool index_names_per_table() const { return false; }
  // InnoDB (MySQL, MariaDB) keeps an index for every foreign key: it makes one when no index
  // serves the key (named after the constraint, or after its first column, `_2`, `_3` ... when
  // that name is taken), silently drops that implicit one when an explicit index is created that
  // can serve instead, and refuses to drop the last index a foreign key needs ("needed in a
  // foreign key constraint"). The differ writes Downs that keep such an index where one is needed.
  virtual bool implicit_foreign_key_indexes() const { return false; }

  // ---- schemas and extensions ---------------------------------------------------------------
  virtual std::vector<std::string> create_schema(const std::string& name) const;
  virtual std::vector<std::string> drop_schema(const std::string& name) const;
  virtual std::vector<std::string> create_extension(const schema::Extension& e) const;
  virtual std::vector<std::string> drop_extension(const schema::Extension& e) const;

  // ---- tables -------------------------------------------------------------------------------
  // CREATE TABLE plus whatever the dialect needs beside it (PostgreSQL COMMENT ON ...).
  virtual std::vector<std::string> create_table(const schema::Table& t, const schema::Schema& ctx) const;
  virtual std::string drop_table(const schema::Table& t) const;
  virtual std::string rename_table(const schema::Table& t, const std::string& from,
                                   const std::string& to) const;
  virtual std::vector<std::string> set_table_comment(const schema::Table& t) const = 0;
  virtual std::vector<std::string> rebuild_table(const RebuildSpec& spec) const;

  // ---- columns ------------------------------------------------------------------------------
  virtual std::vector<std::string> add_column(const schema::Table& t, const schema::Column& c) const;
  virtual std::string drop_column(const schema::Table& t, const schema::Column& c) const;
  virtual std::string rename_column(const schema::Table& t, const std::string& from,
                                    const std::string& to) const;
  // In-place change of a column that exists on both sides (same name). Returns the operations
  // (up and down filled, kind set, old_type/new_type set when the type changed); the differ
  // adds lint and destructive flags. `ctx` is the schema the column lives in before the change
  // (to recognise enum types). Generated-column changes never reach here (drop + add).
  virtual std::vector<Operation> alter_column(const schema::Table& t, const schema::Column& from,
                                              const schema::Column& to, const schema::Schema& ctx) const = 0;

  // ---- constraints --------------------------------------------------------------------------
  virtual std::string add_primary_key(const schema::Table& t, const schema::PrimaryKey& pk) const;
  virtual std::string drop_primary_key(const schema::Table& t, const schema::PrimaryKey& pk) const;
  virtual std::string add_unique(const schema::Table& t, const schema::UniqueConstraint& u) const;
  virtual std::string drop_unique(const schema::Table& t, const schema::UniqueConstraint& u) const;
  virtual std::string add_foreign_key(const schema::Table& t, const schema::ForeignKey& fk) const;
  virtual std::string drop_foreign_key(const schema::Table& t, const schema::ForeignKey& fk) const;
  virtual std::string add_check(const schema::Table& t, const schema::CheckConstraint& c) const;
  virtual std::string drop_check(const schema::Table& t, const schema::CheckConstraint& c) const;
  // The name the database gave an unnamed constraint (needed to drop it).
  virtual std::string default_unique_name(const schema::Table& t, const schema::UniqueConstraint& u) const;
  virtual std::string default_fk_name(const schema::Table& t, const schema::ForeignKey& fk) const;
  virtual std::string default_check_name(const schema::Table& t, const schema::CheckConstraint& c) const;

  // ---- indexes, views, enums ----------------------------------------------------------------
  virtual std::string create_index(const schema::Index& i) const;
  virtual std::string drop_index(const schema::Index& i) const;
  virtual std::string create_view(const schema::View& v) const;
  // CREATE OR REPLACE for a changed view, when the dialect guarantees it is valid; nullopt →
  // drop + create.
  virtual std::optional<std::string> replace_view(const schema::View& from, const schema::View& to) const;
  virtual std::string drop_view(const schema::View& v) const;
  virtual std::vector<std::string> create_enum(const schema::EnumType& e) const;
  virtual std::vector<std::string> drop_enum(const schema::EnumType& e) const;
  // ALTER TYPE e ADD VALUE 'v' [BEFORE 'x' | AFTER 'y'].
  virtual std::string add_enum_value(const schema::EnumType& e, const std::string& value,
                                     const std::string& before, const std::string& after) const;
  // Type rebuild: new type, every column converted through text, old type dropped, new renamed.
  // `users` are the columns of type e (or e[]) at the moment the statements run.
  struct EnumUser {
    const schema::Table* table;
    const schema::Column* column;
  };
  virtual std::vector<std::string> rebuild_enum(const schema::EnumType& from, const schema::EnumType& to,
                                                const std::vector<EnumUser>& users) const;

  // ---- sequences and domains (PostgreSQL) ----------------------------------------------------
  virtual std::string create_sequence(const schema::Sequence& s) const;
  virtual std::string drop_sequence(const schema::Sequence& s) const;
  // ALTER SEQUENCE with the clauses that differ, spelled with effective values; nullopt when only
  // the owner differs.
  virtual std::optional<std::string> alter_sequence(const schema::Sequence& from, const schema::Sequence& to) const;
  virtual std::string sequence_owner(const schema::Sequence& s) const;  // OWNED BY s.owned_by (or NONE)
  virtual std::string create_domain(const schema::Domain& d) const;
  virtual std::string drop_domain(const schema::Domain& d) const;
  // ALTER DOMAIN statements for a domain whose base type is unchanged.
  virtual std::vector<std::string> alter_domain(const schema::Domain& from, const schema::Domain& to) const;

  // ---- raw statements -----------------------------------------------------------------------
  // The statement that undoes a raw statement (DROP TRIGGER/FUNCTION ...), when derivable.
  virtual std::optional<std::string> raw_down(const schema::RawStatement& r) const;

  // ---- helpers shared by the implementations ------------------------------------------------
  std::string q(std::string_view ident) const;                            // quoted identifier
  std::string qt(const schema::Table& t) const;                           // quoted table name
  std::string qn(std::string_view schema, std::string_view name) const;   // quoted qualified
  std::string column_list(const std::vector<std::string>& cols) const;    // "a, b"
};

const DialectHooks& hooks_for(schema::Dialect d);
// One instance per dialect, defined in the dialect files and listed in hooks.cpp.
const DialectHooks& postgres_hooks();
const DialectHooks& mysql_hooks();
const DialectHooks& sqlite_hooks();

// ---- helpers for the differ and the hooks (hooks.cpp) ----------------------------------------
namespace detail {
// True when `text` (SQL) contains `ident` as a whole identifier token, case-insensitive, outside
// strings and comments.
bool mentions(std::string_view text, std::string_view ident, schema::Dialect d);
// Replaces whole-identifier occurrences of `from` by `to` (already quoted if needed) in an
// expression, leaving strings and comments alone.
std::string replace_ident(std::string_view text, std::string_view from, std::string_view to,
                          schema::Dialect d);
// The first identifier of `expr` that names a column of `t` (for PostgreSQL check names).
std::string first_column_in(std::string_view expr, const schema::Table& t, schema::Dialect d);

enum class TypeChange { same, widening, narrowing, unknown };
// How `to` relates to `from`: varchar(255)→varchar(50), bigint→int, numeric precision down and
// removed MySQL enum values are narrowing; the reverse widening; unrelated types unknown.
TypeChange classify_type_change(const schema::TypeRef& from, const schema::TypeRef& to,
                                schema::Dialect d);
}  // namespace detail

}  // namespace flash::diff
