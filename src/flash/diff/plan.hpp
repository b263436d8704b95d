#pragma once
// The differ: two schema models in, a plan of ordered, structured operations out. Written once
// over the neutral model; each dialect answers narrow questions through a DialectHooks table
// (hooks.hpp: can this change be done with ALTER, how to render it). Plans are values: they know
// their SQL for Up and Down, whether each step is destructive or loses data when reversed, and
// the structured facts the migration engine needs to check live data for conflicts.
#include <optional>
#include <string>
#include <vector>

#include "flash/diag/diagnostic.hpp"
#include "flash/schema/depend.hpp"
#include "flash/schema/model.hpp"

namespace flash::diff {

enum class OpKind {
  create_schema, drop_schema, create_extension, drop_extension,
  create_enum, drop_enum, add_enum_value, drop_enum_value, reorder_enum,
  create_table, drop_table, rename_table, rebuild_table /* SQLite 12-step */,
  add_column, drop_column, rename_column, alter_column_type, set_not_null, drop_not_null,
  set_default, drop_default, alter_column_other /* identity, generated, collation, comment */,
  add_primary_key, drop_primary_key, add_unique, drop_unique, add_foreign_key, drop_foreign_key,
  add_check, drop_check, create_index, drop_index, create_view, drop_view,
  set_table_comment, raw_statement,
  create_sequence, drop_sequence, alter_sequence, set_sequence_owner,
  create_domain, drop_domain, alter_domain,
  create_range, drop_range,
};
std::string_view to_string(OpKind k);

// One operation with its SQL and the facts conflict detection needs.
struct Operation {
  OpKind kind{};
  std::string schema;
  std::string table;               // table (or enum/view/index owner) it applies to
  std::string object;              // column, constraint, index, enum value ... name
  std::vector<std::string> columns;  // columns involved (unique/pk/fk/index/not null)
  std::string ref_table;             // add_foreign_key: referenced table
  std::vector<std::string> ref_columns;
  std::optional<schema::TypeRef> old_type, new_type;  // alter_column_type
  bool has_default = false;        // add_column / set_not_null: a default exists
  std::vector<std::string> up;     // statements, no trailing ';'
  std::vector<std::string> down;   // statements that reverse `up` (in execution order)
  bool destructive = false;        // Up may delete data (drop table/column/enum value, narrowing)
  bool lossy_down = false;         // Down cannot restore the data Up removed (or vice versa)
  std::string comment;             // human description: "add column users.email"
  // What Up creates and what must exist before it (schema/depend.hpp keys); the plan's
  // operations are in dependency order of these (ties: the differ's phase order).
  schema::DepNode deps;
};

// A rename the user confirmed (flag --rename table.old:new or table-level --rename old:new).
struct Rename {
  std::string table;  // for a column rename: its table; empty for a table rename
  std::string from;
  std::string to;
};

// A dropped + added pair that looks like a rename (same type); the caller must decide.
struct RenameCandidate {
  std::string table;  // empty for tables
  std::string from;
  std::string to;
  std::string flag() const;  // "--rename users.name:full_name" or "--rename old:new"
};

struct LintWarning {
  std::string code;     // "lint.destructive", "lint.not-null-no-default", "lint.narrowing",
                        // "lint.unique-existing", "lint.index-not-concurrent", "lint.mysql-multi-ddl"
  std::string message;
};

struct Plan {
  schema::Dialect dialect = schema::Dialect::postgresql;
  std::vector<Operation> operations;  // dependency order for Up; Down runs them reversed
  std::vector<RenameCandidate> unresolved_renames;  // non-empty: caller must ask or fail
  std::vector<Rename> applied_renames;              // recorded as comments in the migration
  std::vector<LintWarning> warnings;
  // False when Up holds a statement PostgreSQL refuses inside a transaction block (CREATE INDEX
  // CONCURRENTLY on an existing table, as the schema file asks): the file's Up marker then reads
  // `-- +migrate Up notransaction` (sql-migrate's spelling) and the executor must run it without
  // BEGIN/COMMIT. Indexes on tables created by the same plan are never built concurrently.
  bool up_transactional = true;
  bool down_transactional = true;  // `-- +migrate Down notransaction` (online plans: online.hpp)
  // Statements written first in the Up / Down section, before the operations (online plans:
  // SET lock_timeout).
  std::vector<std::string> up_prelude, down_prelude;
  bool empty() const { return operations.empty(); }
};

struct DiffOptions {
  std::vector<Rename> renames;     // confirmed renames
  bool accept_drops = false;       // --accept-data-loss: treat rename candidates as drop + add
};

// from → to. Renames: a column/table dropped and another added with the same type/shape is a
// candidate; unless listed in options.renames (→ rename) or options.accept_drops (→ drop + add),
// it is returned in unresolved_renames and no operations are produced for it.
Plan diff_schemas(const schema::Schema& from, const schema::Schema& to, const DiffOptions& opts = {});

// The migration file body for a plan:
//   -- +migrate Up                (`-- +migrate Up notransaction` when !plan.up_transactional)
//   -- flash: rename users.name -> full_name (confirmed)
//   <up statements>;
//   -- +migrate Down
//   -- flash:lossy            (before a statement whose reversal cannot restore data)
//   <down statements, reverse order>;
std::string render_migration(const Plan& plan);

}  // namespace flash::diff
