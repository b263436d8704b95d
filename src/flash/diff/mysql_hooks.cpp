// MySQL / MariaDB: every DDL statement commits on its own; a column changes through MODIFY COLUMN
// with its whole definition; indexes and foreign keys are dropped through ALTER TABLE; enums are
// inline column types.
#include "flash/diff/hooks.hpp"
#include "flash/schema/printer.hpp"
#include "flash/util/text.hpp"

namespace flash::diff {
namespace {

using schema::Column;
using schema::Dialect;
using schema::Table;

class MysqlHooks final : public DialectHooks {
 public:
  Dialect dialect() const override { return Dialect::mysql; }
  bool transactional_ddl() const override { return false; }
  bool named_enum_types() const override { return false; }
  bool can_alter_constraints() const override { return true; }
  bool can_alter_column(const Column&, const Column&) const override { return true; }
  bool can_add_column(const Table&, const Column&) const override { return true; }
  bool can_drop_column(const Table&, const Column&, const schema::Schema&) const override { return true; }
  bool views_block_column_changes() const override { return false; }
  bool supports_comments() const override { return true; }
  bool index_names_per_table() const override { return true; }
  bool implicit_foreign_key_indexes() const override { return true; }

  std::vector<std::string> create_extension(const schema::Extension&) const override { return {}; }
  std::vector<std::string> drop_extension(const schema::Extension&) const override { return {}; }

  // Columns keep their declared position (FIRST / AFTER), so a Down that re-adds a dropped
  // column restores the original table layout.
  std::vector<std::string> add_column(const Table& t, const Column& c) const override {
    std::string s = "ALTER TABLE " + qt(t) + " ADD COLUMN " + schema::print_column_definition(c, dialect());
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      if (t.columns[i].name != c.name) continue;
      s += i == 0 ? " FIRST" : " AFTER " + q(t.columns[i - 1].name);
      break;
    }
    return {s};
  }

  std::vector<std::string> set_table_comment(const Table& t) const override {
    return {"ALTER TABLE " + qt(t) + " COMMENT = " + schema::quote_string(t.comment.value_or(""), dialect())};
  }

  // One MODIFY carries every attribute, so one operation per column; its kind is the change the
  // migration engine must check live data for first (NOT NULL, then type).
  std::vector<Operation> alter_column(const Table& t, const Column& from, const Column& to,
                                      const schema::Schema&) const override {
    Operation op;
    op.schema = t.schema;
    op.table = t.name;
    op.object = to.name;
    op.columns = {to.name};
    op.has_default = to.default_expr.has_value();
    if (from.type != to.type) {
      op.old_type = from.type;
      op.new_type = to.type;
    }
    std::string what;
    if (from.nullable && !to.nullable) {
      op.kind = OpKind::set_not_null;
      what = "set not null on";
    } else if (from.type != to.type) {
      op.kind = OpKind::alter_column_type;
      what = "change type of";
    } else if (!from.nullable && to.nullable) {
      op.kind = OpKind::drop_not_null;
      what = "drop not null on";
    } else if (from.default_expr != to.default_expr) {
      op.kind = to.default_expr ? OpKind::set_default : OpKind::drop_default;
      what = to.default_expr ? "set default of" : "drop default of";
    } else {
      op.kind = OpKind::alter_column_other;
      what = "change";
    }
    op.comment = what + " " + schema::qualified(t.name, to.name);
    op.up = {"ALTER TABLE " + qt(t) + " MODIFY COLUMN " + schema::print_column_definition(to, dialect())};
    op.down = {"ALTER TABLE " + qt(t) + " MODIFY COLUMN " + schema::print_column_definition(from, dialect())};
    return {op};
  }

  std::string add_primary_key(const Table& t, const schema::PrimaryKey& pk) const override {
    return "ALTER TABLE " + qt(t) + " ADD PRIMARY KEY (" + column_list(pk.columns) + ")";
  }
  std::string drop_primary_key(const Table& t, const schema::PrimaryKey&) const override {
    return "ALTER TABLE " + qt(t) + " DROP PRIMARY KEY";
  }
  std::string drop_unique(const Table& t, const schema::UniqueConstraint& u) const override {
    return "ALTER TABLE " + qt(t) + " DROP INDEX " + q(u.name.empty() ? default_unique_name(t, u) : u.name);
  }
  std::string drop_foreign_key(const Table& t, const schema::ForeignKey& fk) const override {
    return "ALTER TABLE " + qt(t) + " DROP FOREIGN KEY " + q(fk.name.empty() ? default_fk_name(t, fk) : fk.name);
  }
  // MySQL 8.0.19+ and MariaDB both accept DROP CONSTRAINT for checks (DROP CHECK is MySQL-only).
  std::string drop_check(const Table& t, const schema::CheckConstraint& c) const override {
    return "ALTER TABLE " + qt(t) + " DROP CONSTRAINT " + q(c.name.empty() ? default_check_name(t, c) : c.name);
  }

  // A unique key without a name is named after its first column.
  std::string default_unique_name(const Table&, const schema::UniqueConstraint& u) const override {
    return u.columns.empty() ? std::string() : u.columns.front();
  }
  // Generated names count the table's unnamed foreign keys / checks: <table>_ibfk_1, <table>_chk_1.
  std::string default_fk_name(const Table& t, const schema::ForeignKey& fk) const override {
    int n = 0;
    for (const auto& f : t.foreign_keys) {
      if (f.name.empty()) ++n;
      if (f == fk) break;
    }
    return t.name + "_ibfk_" + std::to_string(n == 0 ? 1 : n);
  }
  std::string default_check_name(const Table& t, const schema::CheckConstraint& c) const override {
    int n = 0;
    for (const auto& k : t.checks) {
      if (k.name.empty()) ++n;
      if (k == c) break;
    }
    return t.name + "_chk_" + std::to_string(n == 0 ? 1 : n);
  }

  std::string drop_index(const schema::Index& i) const override {
    return "ALTER TABLE " + qn(i.schema, i.table) + " DROP INDEX " + q(i.name);
  }

  // CREATE OR REPLACE VIEW is always valid in MySQL (no column-compatibility rule).
  std::optional<std::string> replace_view(const schema::View&, const schema::View& to) const override {
    std::string s = create_view(to);
    const std::string plain = "CREATE VIEW ";
    if (util::starts_with_ci(s, plain)) return "CREATE OR REPLACE VIEW " + s.substr(plain.size());
    std::string out = "CREATE OR REPLACE VIEW " + qn(to.schema, to.name);
    if (!to.columns.empty()) out += " (" + column_list(to.columns) + ")";
    return out + " AS " + to.query;
  }
};

}  // namespace

const DialectHooks& mysql_hooks() {
  static const MysqlHooks h;
  return h;
}

}  // namespace flash::diff
