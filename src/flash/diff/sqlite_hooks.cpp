// SQLite: ALTER TABLE knows only RENAME TO, RENAME COLUMN, ADD COLUMN and (3.35+) DROP COLUMN,
// each with restrictions (https://www.sqlite.org/lang_altertable.html). Everything else — column
// types, nullability, defaults, constraints — goes through the 12-step table rebuild
// (DialectHooks::rebuild_table), chosen by the differ when one of the can_* answers is false.
#include "flash/diff/hooks.hpp"
#include "flash/util/text.hpp"

namespace flash::diff {
namespace {

using schema::Column;
using schema::Dialect;
using schema::Table;

bool contains(const std::vector<std::string>& v, const std::string& s) {
  for (const auto& x : v)
    if (util::iequals(x, s)) return true;
  return false;
}

class SqliteHooks final : public DialectHooks {
 public:
  Dialect dialect() const override { return Dialect::sqlite; }
  bool transactional_ddl() const override { return true; }
  bool named_enum_types() const override { return false; }
  bool can_alter_constraints() const override { return false; }
  bool views_block_column_changes() const override { return true; }
  bool supports_comments() const override { return false; }

  // SQLite has no comments: a comment-only difference needs no statement; anything else rebuilds.
  bool can_alter_column(const Column& from, const Column& to) const override {
    Column a = from, b = to;
    a.comment.reset();
    b.comment.reset();
    return a == b;
  }
  std::vector<Operation> alter_column(const Table&, const Column&, const Column&,
                                      const schema::Schema&) const override {
    return {};
  }

  // ADD COLUMN restrictions: no PRIMARY KEY/UNIQUE, NOT NULL needs a non-NULL default, the
  // default must be a constant (not CURRENT_*, not a parenthesised expression), no STORED
  // generated column.
  bool can_add_column(const Table& t, const Column& c) const override {
    if (t.primary_key && contains(t.primary_key->columns, c.name)) return false;
    for (const auto& u : t.uniques)
      if (contains(u.columns, c.name)) return false;
    if (c.auto_increment || c.generated == schema::GeneratedKind::stored) return false;
    if (c.default_expr) {
      const std::string d = util::to_upper(util::trim(*c.default_expr));
      if (d.starts_with("(") || d.starts_with("CURRENT_")) return false;
      if (!c.nullable && d == "NULL") return false;
    } else if (!c.nullable && c.generated == schema::GeneratedKind::none) {
      return false;
    }
    return true;
  }

  // DROP COLUMN (3.35+) fails for PRIMARY KEY and UNIQUE columns, indexed columns, columns in a
  // foreign key (either side), in a CHECK or generated expression, or used by a view or trigger.
  bool can_drop_column(const Table& t, const Column& c, const schema::Schema& s) const override {
    const Dialect d = dialect();
    if (t.primary_key && contains(t.primary_key->columns, c.name)) return false;
    for (const auto& u : t.uniques)
      if (contains(u.columns, c.name)) return false;
    for (const auto& fk : t.foreign_keys)
      if (contains(fk.columns, c.name)) return false;
    for (const auto& other : s.tables)
      for (const auto& fk : other.foreign_keys)
        if (fk.ref_table == t.name && contains(fk.ref_columns, c.name)) return false;
    for (const auto& k : t.checks)
      if (detail::mentions(k.expr, c.name, d)) return false;
    for (const auto& other : t.columns)
      if (other.generated != schema::GeneratedKind::none && detail::mentions(other.generated_expr, c.name, d))
        return false;
    for (const auto* i : s.indexes_of(t.name, t.schema)) {
      for (const auto& p : i->parts)
        if (util::iequals(p.column, c.name) || (!p.expr.empty() && detail::mentions(p.expr, c.name, d)))
          return false;
      if (!i->where.empty() && detail::mentions(i->where, c.name, d)) return false;
    }
    for (const auto& v : s.views)
      if (detail::mentions(v.query, t.name, d) && detail::mentions(v.query, c.name, d)) return false;
    for (const auto& r : s.raw)
      if (detail::mentions(r.sql, t.name, d) && detail::mentions(r.sql, c.name, d)) return false;
    return true;
  }

  std::vector<std::string> set_table_comment(const Table&) const override { return {}; }
  std::vector<std::string> create_extension(const schema::Extension&) const override { return {}; }
  std::vector<std::string> drop_extension(const schema::Extension&) const override { return {}; }
};

}  // namespace

const DialectHooks& sqlite_hooks() {
  static const SqliteHooks h;
  return h;
}

}  // namespace flash::diff
