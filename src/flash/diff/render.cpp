// Plan → migration file text, and the small printable names of plan values.
#include "flash/diff/plan.hpp"

namespace flash::diff {

std::string_view to_string(OpKind k) {
  switch (k) {
    case OpKind::create_schema: return "create_schema";
    case OpKind::drop_schema: return "drop_schema";
    case OpKind::create_extension: return "create_extension";
    case OpKind::drop_extension: return "drop_extension";
    case OpKind::create_enum: return "create_enum";
    case OpKind::drop_enum: return "drop_enum";
    case OpKind::add_enum_value: return "add_enum_value";
    case OpKind::drop_enum_value: return "drop_enum_value";
    case OpKind::reorder_enum: return "reorder_enum";
    case OpKind::create_table: return "create_table";
    case OpKind::drop_table: return "drop_table";
    case OpKind::rename_table: return "rename_table";
    case OpKind::rebuild_table: return "rebuild_table";
    case OpKind::add_column: return "add_column";
    case OpKind::drop_column: return "drop_column";
    case OpKind::rename_column: return "rename_column";
    case OpKind::alter_column_type: return "alter_column_type";
    case OpKind::set_not_null: return "set_not_null";
    case OpKind::drop_not_null: return "drop_not_null";
    case OpKind::set_default: return "set_default";
    case OpKind::drop_default: return "drop_default";
    case OpKind::alter_column_other: return "alter_column_other";
    case OpKind::add_primary_key: return "add_primary_key";
    case OpKind::drop_primary_key: return "drop_primary_key";
    case OpKind::add_unique: return "add_unique";
    case OpKind::drop_unique: return "drop_unique";
    case OpKind::add_foreign_key: return "add_foreign_key";
    case OpKind::drop_foreign_key: return "drop_foreign_key";
    case OpKind::add_check: return "add_check";
    case OpKind::drop_check: return "drop_check";
    case OpKind::create_index: return "create_index";
    case OpKind::drop_index: return "drop_index";
    case OpKind::create_view: return "create_view";
    case OpKind::drop_view: return "drop_view";
    case OpKind::set_table_comment: return "set_table_comment";
    case OpKind::raw_statement: return "raw_statement";
    case OpKind::create_sequence: return "create_sequence";
    case OpKind::drop_sequence: return "drop_sequence";
    case OpKind::alter_sequence: return "alter_sequence";
    case OpKind::set_sequence_owner: return "set_sequence_owner";
    case OpKind::create_domain: return "create_domain";
    case OpKind::drop_domain: return "drop_domain";
    case OpKind::alter_domain: return "alter_domain";
    case OpKind::create_range: return "create_range";
    case OpKind::drop_range: return "drop_range";
  }
  return "unknown";
}

std::string RenameCandidate::flag() const {
  return "--rename " + (table.empty() ? from : table + "." + from) + ":" + to;
}

// Layout documented in plan.hpp. The lossy marker precedes every Down statement of an operation
// whose reversal cannot restore data, so a reader of any single statement sees it.
std::string render_migration(const Plan& plan) {
  std::string out = plan.up_transactional ? "-- +migrate Up\n" : "-- +migrate Up notransaction\n";
  for (const auto& r : plan.applied_renames)
    out += "-- flash: rename " + (r.table.empty() ? r.from : r.table + "." + r.from) + " -> " + r.to +
           " (confirmed)\n";
  for (const auto& s : plan.up_prelude) out += s + ";\n";
  for (const auto& op : plan.operations)
    for (const auto& s : op.up) out += s + ";\n";
  out += plan.down_transactional ? "-- +migrate Down\n" : "-- +migrate Down notransaction\n";
  for (const auto& s : plan.down_prelude) out += s + ";\n";
  for (auto it = plan.operations.rbegin(); it != plan.operations.rend(); ++it)
    for (const auto& s : it->down) {
      if (it->lossy_down) out += "-- flash:lossy\n";
      out += s + ";\n";
    }
  return out;
}

}  // namespace flash::diff
