#include "flash/migrate/conflicts.hpp"

#include <algorithm>
#include <set>

#include "flash/migrate/live.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/sql/lexer.hpp"
#include "flash/migrate/tracking.hpp"
#include "flash/schema/printer.hpp"
#include "flash/schema/types.hpp"
#include "flash/util/text.hpp"

namespace flash::migrate {

using diff::OpKind;
using schema::Dialect;

namespace {

std::string squash(std::string_view s) {
  std::string out;
  bool sp = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      sp = true;
      continue;
    }
    if (sp && !out.empty()) out += ' ';
    sp = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// A probe whose answer cannot be trusted (the query ran, but sees only part of the rows).
struct ProbeDistrust {
  std::string probe;
  std::string reason;
};

struct Ctx {
  driver::SqlConnection& c;
  const MigrationFile& m;
  const schema::Schema& before;
  const schema::Schema& after;
  Dialect d;
  std::vector<Conflict> out;

  std::string tbl(const std::string& schema, const std::string& t) const { return sql_table(schema, t, d); }
  std::string id(const std::string& n) const { return flash::schema::quote_ident_always(n, d); }

  // Locates the statement of the migration file that performs `op`.
  void locate(Conflict& cf, const diff::Operation& op) const {
    for (std::size_t i = 0; i < m.up.size(); ++i) {
      std::string s = squash(m.up[i].sql);
      for (const auto& u : op.up)
        if (squash(u) == s) {
          cf.statement = static_cast<int>(i) + 1;
          cf.line = m.up[i].line;
          return;
        }
    }
    std::string t = util::to_lower(op.table), o = util::to_lower(op.object);
    for (std::size_t i = 0; i < m.up.size(); ++i) {
      std::string s = squash(m.up[i].sql);
      if (s.find(t) != std::string::npos && (o.empty() || s.find(o) != std::string::npos)) {
        cf.statement = static_cast<int>(i) + 1;
        cf.line = m.up[i].line;
        return;
      }
    }
  }

  void add(Conflict cf, const diff::Operation* op) {
    cf.migration = m.id;
    if (op) locate(cf, *op);
    out.push_back(std::move(cf));
  }

  std::int64_t count(const std::string& from, const std::string& where = "") {
    return count_rows(c, from, where);
  }

  // PostgreSQL: a count under row-level security sees only the rows the policies show this user,
  // so "0 rows" would be a lie. Throws ProbeDistrust for such a table (checked once per table).
  std::set<std::string> guarded;
  void guard(const std::string& schema, const std::string& table) {
    if (d != Dialect::postgresql || table.empty()) return;
    std::string name = tbl(schema, table);
    if (!guarded.insert(name).second) return;
    std::string q = "SELECT row_security_active(" + flash::schema::quote_string(name, d) + "::regclass)";
    auto rs = c.query(q);
    bool active = false;
    if (!rs.rows.empty()) {
      const auto& v = rs.rows[0][0];
      if (auto* b = std::get_if<bool>(&v)) active = *b;
      else if (auto t = value_text(v)) active = (*t == "t" || *t == "true" || *t == "1");
    }
    if (active)
      throw ProbeDistrust{q, "row-level security is active on " + table +
                                 " for this user, so a count would not see every row"};
  }

  std::string cols_not_null(const std::vector<std::string>& cols, const std::string& alias = "") const {
    std::vector<std::string> parts;
    for (const auto& col : cols) parts.push_back((alias.empty() ? "" : alias + ".") + id(col) + " IS NOT NULL");
    return util::join(parts, " AND ");
  }

  std::string len_fn() const { return d == Dialect::mysql ? "CHAR_LENGTH" : "length"; }

  void check_not_null_add(const schema::Table& t, const schema::Column& col, const diff::Operation* op) {
    if (col.nullable || col.default_expr || col.auto_increment || col.identity != schema::Identity::none ||
        col.generated != schema::GeneratedKind::none)
      return;
    auto n = count(tbl(t.schema, t.name));
    if (n == 0) return;
    Conflict cf;
    cf.table = t.name;
    cf.column = col.name;
    cf.kind = "not-null-no-default";
    cf.rows = n;
    cf.message = "adds NOT NULL column " + t.name + "." + col.name + " without a default to a table with " +
                 std::to_string(n) + " row(s)";
    std::string type = schema::render_type(col.type, d);
    cf.resolutions.push_back("give it a default in the migration: ALTER TABLE " + tbl(t.schema, t.name) +
                             " ADD COLUMN " + id(col.name) + " " + type + " NOT NULL DEFAULT <value>");
    cf.resolutions.push_back("or add it nullable, backfill with UPDATE " + tbl(t.schema, t.name) + " SET " +
                             id(col.name) + " = <value> WHERE " + id(col.name) +
                             " IS NULL, then make it NOT NULL in a later migration");
    add(std::move(cf), op);
  }

  void check_nulls(const schema::Table& t, const std::string& col, const diff::Operation* op) {
    auto n = count(tbl(t.schema, t.name), id(col) + " IS NULL");
    if (n == 0) return;
    Conflict cf;
    cf.table = t.name;
    cf.column = col;
    cf.kind = "null-values";
    cf.rows = n;
    cf.message = "makes " + t.name + "." + col + " NOT NULL but " + std::to_string(n) + " row(s) hold NULL";
    cf.resolutions.push_back("backfill first: UPDATE " + tbl(t.schema, t.name) + " SET " + id(col) +
                             " = <value> WHERE " + id(col) + " IS NULL");
    add(std::move(cf), op);
  }

  void check_unique(const std::string& schema, const std::string& table, const std::vector<std::string>& cols,
                    const diff::Operation* op, const char* what) {
    if (cols.empty()) return;
    std::vector<std::string> q;
    for (const auto& col : cols) q.push_back(id(col));
    std::string list = util::join(q, ", ");
    std::string from = "(SELECT count(*) AS n FROM " + tbl(schema, table) + " WHERE " + cols_not_null(cols) +
                       " GROUP BY " + list + " HAVING count(*) > 1) dup";
    auto groups = count(from);
    if (groups == 0) return;
    Conflict cf;
    cf.table = table;
    cf.column = cols.size() == 1 ? cols[0] : "";
    cf.kind = "duplicate-values";
    cf.rows = groups;
    cf.message = std::string("adds ") + what + " on " + table + "(" + util::join(cols, ", ") + ") but " +
                 std::to_string(groups) + " value(s) occur more than once";
    cf.resolutions.push_back("find them: SELECT " + list + ", count(*) FROM " + tbl(schema, table) +
                             " GROUP BY " + list + " HAVING count(*) > 1");
    cf.resolutions.push_back("then update or delete the duplicate rows yourself before applying");
    add(std::move(cf), op);
  }

  void check_fk(const std::string& schema, const std::string& table, const std::vector<std::string>& cols,
                const std::string& ref_schema, const std::string& ref_table, std::vector<std::string> ref_cols,
                const diff::Operation* op) {
    if (cols.empty()) return;
    if (ref_cols.empty()) {
      if (auto* rt = after.find_table(ref_table, ref_schema); rt && rt->primary_key)
        ref_cols = rt->primary_key->columns;
    }
    if (ref_cols.size() != cols.size()) return;
    std::string where = cols_not_null(cols, "c");
    if (live_table_exists(c, ref_table, ref_schema)) {
      std::vector<std::string> eq;
      for (std::size_t i = 0; i < cols.size(); ++i) eq.push_back("p." + id(ref_cols[i]) + " = c." + id(cols[i]));
      where += " AND NOT EXISTS (SELECT 1 FROM " + tbl(ref_schema, ref_table) + " p WHERE " +
               util::join(eq, " AND ") + ")";
    }
    auto n = count(tbl(schema, table) + " c", where);
    if (n == 0) return;
    Conflict cf;
    cf.table = table;
    cf.column = cols.size() == 1 ? cols[0] : "";
    cf.kind = "orphan-rows";
    cf.rows = n;
    cf.message = "adds FOREIGN KEY " + table + "(" + util::join(cols, ", ") + ") -> " + ref_table + "(" +
                 util::join(ref_cols, ", ") + ") but " + std::to_string(n) + " row(s) reference missing " +
                 ref_table + " rows";
    cf.resolutions.push_back("find them: SELECT c.* FROM " + tbl(schema, table) + " c WHERE " + where);
    cf.resolutions.push_back("insert the missing " + ref_table + " rows, or set the reference to NULL / delete "
                             "those rows yourself before applying");
    add(std::move(cf), op);
  }

  void check_drop_column(const schema::Table& t, const std::string& col, const diff::Operation* op) {
    auto n = count(tbl(t.schema, t.name), id(col) + " IS NOT NULL");
    if (n == 0) return;
    Conflict cf;
    cf.table = t.name;
    cf.column = col;
    cf.kind = "drop-with-data";
    cf.rows = n;
    cf.data_loss = true;
    cf.message = "drops column " + t.name + "." + col + " which holds data in " + std::to_string(n) + " row(s)";
    cf.resolutions.push_back("if the data is no longer needed: flash apply --accept-data-loss (the table is "
                             "exported first)");
    cf.resolutions.push_back("if the column was renamed, regenerate with flash migrate --rename " + t.name + "." +
                             col + ":<new name>");
    add(std::move(cf), op);
  }

  void check_drop_table(const std::string& schema, const std::string& table, const diff::Operation* op) {
    auto n = count(tbl(schema, table));
    if (n == 0) return;
    Conflict cf;
    cf.table = table;
    cf.kind = "drop-with-data";
    cf.rows = n;
    cf.data_loss = true;
    cf.message = "drops table " + table + " which holds " + std::to_string(n) + " row(s)";
    cf.resolutions.push_back("if the data is no longer needed: flash apply --accept-data-loss (the table is "
                             "exported first)");
    cf.resolutions.push_back("if the table was renamed, regenerate with flash migrate --rename " + table +
                             ":<new name>");
    add(std::move(cf), op);
  }

  void check_type(const schema::Table& t, const std::string& col, const schema::TypeRef& from,
                  const schema::TypeRef& to, const diff::Operation* op) {
    auto cf_to = schema::category(to, d, &after);
    auto cf_from = schema::category(from, d, &before);
    auto is_int = [](schema::TypeCategory k) {
      return k == schema::TypeCategory::int16 || k == schema::TypeCategory::int32 || k == schema::TypeCategory::int64;
    };
    std::string T = tbl(t.schema, t.name), C = id(col);
    bool text_target = cf_to == schema::TypeCategory::text;
    // SQLite ignores declared lengths: nothing fails and nothing is cut.
    if (text_target && !to.args.empty() && d != Dialect::sqlite) {
      int n = std::atoi(to.args[0].c_str());
      if (n > 0) {
        std::string where = len_fn() + "(" + C + ") > " + std::to_string(n);
        auto rows = count(T, where);
        if (rows > 0) {
          Conflict cf;
          cf.table = t.name;
          cf.column = col;
          cf.kind = "value-too-long";
          cf.rows = rows;
          cf.message = "changes " + t.name + "." + col + " to " + schema::render_type(to, d) + " but " +
                       std::to_string(rows) + " row(s) are longer than " + std::to_string(n) + " characters";
          cf.resolutions.push_back("find them: SELECT * FROM " + T + " WHERE " + where);
          cf.resolutions.push_back("use a larger length, or shorten them yourself: UPDATE " + T + " SET " + C +
                                   " = SUBSTR(" + C + ", 1, " + std::to_string(n) + ") WHERE " + where);
          add(std::move(cf), op);
        }
      }
    }
    if (is_int(cf_to) && cf_from == schema::TypeCategory::text) {
      std::string bad;
      switch (d) {
        case Dialect::postgresql: bad = C + " IS NOT NULL AND " + C + " !~ '^\\s*[-+]?[0-9]+\\s*$'"; break;
        case Dialect::mysql:
          bad = C + " IS NOT NULL AND " + C + " NOT REGEXP '^[[:space:]]*[-+]?[0-9]+[[:space:]]*$'";
          break;
        default: bad = C + " IS NOT NULL AND CAST(CAST(" + C + " AS INTEGER) AS TEXT) <> trim(" + C + ")";
      }
      auto rows = count(T, bad);
      if (rows > 0) {
        Conflict cf;
        cf.table = t.name;
        cf.column = col;
        cf.kind = "non-numeric";
        cf.rows = rows;
        cf.message = "changes " + t.name + "." + col + " to " + schema::render_type(to, d) + " but " +
                     std::to_string(rows) + " row(s) hold text that is not an integer";
        cf.resolutions.push_back("find them: SELECT * FROM " + T + " WHERE " + bad);
        cf.resolutions.push_back("fix or clear them first: UPDATE " + T + " SET " + C + " = NULL WHERE " + bad);
        add(std::move(cf), op);
      }
    }
    if (is_int(cf_to) && (cf_from == schema::TypeCategory::decimal || cf_from == schema::TypeCategory::float32 ||
                          cf_from == schema::TypeCategory::float64)) {
      std::string where = C + " IS NOT NULL AND " + C + " <> ROUND(" + C + ")";
      auto rows = count(T, where);
      if (rows > 0) {
        Conflict cf;
        cf.table = t.name;
        cf.column = col;
        cf.kind = "fraction-truncated";
        cf.rows = rows;
        cf.data_loss = true;
        cf.message = "changes " + t.name + "." + col + " to " + schema::render_type(to, d) + ": " +
                     std::to_string(rows) + " row(s) have a fractional part that would be lost";
        cf.resolutions.push_back("accept the rounding: flash apply --accept-data-loss (the table is exported first)");
        add(std::move(cf), op);
      }
    }
    if (!from.values.empty() && !to.values.empty()) {
      std::vector<std::string> removed;
      for (const auto& v : from.values)
        if (std::find(to.values.begin(), to.values.end(), v) == to.values.end()) removed.push_back(flash::schema::quote_string(v, d));
      if (!removed.empty()) {
        std::string where = C + " IN (" + util::join(removed, ", ") + ")";
        auto rows = count(T, where);
        if (rows > 0) {
          Conflict cf;
          cf.table = t.name;
          cf.column = col;
          cf.kind = "enum-value-in-use";
          cf.rows = rows;
          cf.message = "removes enum value(s) " + util::join(removed, ", ") + " of " + t.name + "." + col +
                       " still used by " + std::to_string(rows) + " row(s)";
          cf.resolutions.push_back("move those rows to another value first: UPDATE " + T + " SET " + C +
                                   " = <value> WHERE " + where);
          add(std::move(cf), op);
        }
      }
    }
  }

  void check_enum_value(const std::string& enum_schema, const std::string& enum_name, const std::string& value,
                        const diff::Operation* op) {
    for (const auto& t : before.tables)
      for (const auto& col : t.columns) {
        if (col.type.name != enum_name || col.type.schema != enum_schema) continue;
        if (!live_table_exists(c, t.name, t.schema)) continue;
        guard(t.schema, t.name);
        std::string where = id(col.name) + " = " + flash::schema::quote_string(value, d);
        auto rows = count(tbl(t.schema, t.name), where);
        if (rows == 0) continue;
        Conflict cf;
        cf.table = t.name;
        cf.column = col.name;
        cf.kind = "enum-value-in-use";
        cf.rows = rows;
        cf.data_loss = true;
        cf.message = "drops value '" + value + "' of enum " + enum_name + " used by " + std::to_string(rows) +
                     " row(s) of " + t.name + "." + col.name;
        cf.resolutions.push_back("move those rows first: UPDATE " + tbl(t.schema, t.name) + " SET " +
                                 id(col.name) + " = <value> WHERE " + where);
        add(std::move(cf), op);
      }
  }

  // SQLite rebuilds (and any other case where only the table shapes are known): compare.
  void check_table_change(const schema::Table& bt, const schema::Table& at, const diff::Operation* op) {
    for (const auto& col : bt.columns)
      if (!at.find_column(col.name)) check_drop_column(bt, col.name, op);
    for (const auto& col : at.columns) {
      const auto* old = bt.find_column(col.name);
      if (!old) {
        check_not_null_add(at, col, op);
        continue;
      }
      if (old->nullable && !col.nullable) check_nulls(bt, col.name, op);
      if (!(old->type == col.type)) check_type(bt, col.name, old->type, col.type, op);
    }
    if (at.primary_key && !(bt.primary_key && bt.primary_key->columns == at.primary_key->columns))
      check_unique(at.schema, bt.name, at.primary_key->columns, op, "PRIMARY KEY");
    for (const auto& u : at.uniques) {
      bool had = std::any_of(bt.uniques.begin(), bt.uniques.end(),
                             [&](const schema::UniqueConstraint& x) { return x.columns == u.columns; });
      if (!had) check_unique(at.schema, bt.name, u.columns, op, "UNIQUE");
    }
    for (const auto& fk : at.foreign_keys) {
      bool had = std::any_of(bt.foreign_keys.begin(), bt.foreign_keys.end(), [&](const schema::ForeignKey& x) {
        return x.columns == fk.columns && x.ref_table == fk.ref_table && x.ref_columns == fk.ref_columns;
      });
      if (!had && !over_new_null_column(bt, &at, fk.columns))
        check_fk(at.schema, bt.name, fk.columns, fk.ref_schema, fk.ref_table, fk.ref_columns, op);
    }
  }

  // A foreign key over a column the same migration adds, nullable and without a default: every
  // existing row holds NULL there, which no key rejects (MATCH SIMPLE: one NULL column exempts the
  // row), and the column is not in the database yet for a probe to read. A new column with a
  // default (or NOT NULL) is still probed — and the probe, unable to read it, stops apply.
  static bool over_new_null_column(const schema::Table& bt, const schema::Table* at, const std::vector<std::string>& cols) {
    if (!at) return false;
    for (const auto& name : cols) {
      if (bt.find_column(name)) continue;
      const schema::Column* col = at->find_column(name);
      if (col && col->nullable && !col->default_expr && col->generated == schema::GeneratedKind::none) return true;
    }
    return false;
  }

  // SQLite takes a double-quoted name it cannot resolve for a string literal, so a probe of a
  // column that is not there (yet) would count every row instead of failing. Throws ProbeDistrust
  // for a missing column, like the error the other engines give.
  void require_sqlite_columns(const diff::Operation& op, const schema::Table* bt) {
    if (d != Dialect::sqlite || !bt) return;
    std::vector<std::string> cols;  // the existing columns the operation's probes read
    switch (op.kind) {
      case OpKind::add_unique:
      case OpKind::add_primary_key:
      case OpKind::create_index:
      case OpKind::add_foreign_key:
        cols = op.columns;
        break;
      case OpKind::set_not_null:
      case OpKind::alter_column_type:
      case OpKind::drop_column:
        cols = op.columns;
        if (!op.object.empty()) cols.push_back(op.object);
        break;
      case OpKind::rebuild_table:
        for (const auto& col : bt->columns) cols.push_back(col.name);
        break;
      default:
        break;
    }
    if (cols.empty()) return;
    std::string q = "SELECT name FROM " + (op.schema.empty() ? std::string() : id(op.schema) + ".") +
                    "pragma_table_info(" + flash::schema::quote_string(op.table, d) + ")";
    std::set<std::string> live;
    for (const auto& r : c.query(q).rows) live.insert(util::to_lower(value_text(r[0]).value_or("")));
    for (const auto& col : cols)
      if (!live.count(util::to_lower(col)))
        throw ProbeDistrust{q, "column " + op.table + "." + col + " does not exist in the database"};
  }

  void check(const diff::Operation& op) {
    const schema::Table* bt = before.find_table(op.table, op.schema);
    const schema::Table* at = after.find_table(op.table, op.schema);
    if (op.kind != OpKind::drop_enum_value) guard(op.schema, op.table);
    require_sqlite_columns(op, bt);
    if (op.kind == OpKind::add_foreign_key && live_table_exists(c, op.ref_table)) guard("", op.ref_table);
    switch (op.kind) {
      case OpKind::add_column:
        if (bt && at)
          if (const auto* col = at->find_column(op.object)) check_not_null_add(*at, *col, &op);
        break;
      case OpKind::set_not_null:
        if (bt) check_nulls(*bt, op.object.empty() && !op.columns.empty() ? op.columns[0] : op.object, &op);
        break;
      case OpKind::add_unique:
        if (bt) check_unique(op.schema, op.table, op.columns, &op, "UNIQUE");
        break;
      case OpKind::add_primary_key:
        if (bt) check_unique(op.schema, op.table, op.columns, &op, "PRIMARY KEY");
        break;
      case OpKind::create_index: {
        if (!bt) break;
        std::vector<std::string> cols = op.columns;
        bool unique = false;
        for (const auto& ix : after.indexes)
          if (ix.name == op.object && ix.table == op.table) {
            unique = ix.unique;
            if (cols.empty())
              for (const auto& p : ix.parts) {
                if (p.column.empty()) { cols.clear(); break; }  // expression index: not checked
                cols.push_back(p.column);
              }
          }
        if (unique) check_unique(op.schema, op.table, cols, &op, "UNIQUE INDEX");
        break;
      }
      case OpKind::add_foreign_key:
        if (bt && !over_new_null_column(*bt, at, op.columns))
          check_fk(op.schema, op.table, op.columns, "", op.ref_table, op.ref_columns, &op);
        break;
      case OpKind::alter_column_type:
        if (bt && op.old_type && op.new_type) check_type(*bt, op.object, *op.old_type, *op.new_type, &op);
        break;
      case OpKind::drop_column:
        if (bt) check_drop_column(*bt, op.object, &op);
        break;
      case OpKind::drop_table:
        if (bt) check_drop_table(op.schema, op.table, &op);
        break;
      case OpKind::drop_enum_value:
        check_enum_value(op.schema, op.table, op.object, &op);
        break;
      case OpKind::rebuild_table:
        if (bt && at) check_table_change(*bt, *at, &op);
        break;
      default:
        break;
    }
  }
};

}  // namespace

ConflictReport detect_conflicts(driver::SqlConnection& c, const MigrationFile& m, const schema::Schema& before,
                                const schema::Schema& after, const diff::Plan& plan,
                                std::int64_t done_statements) {
  Ctx ctx{c, m, before, after, c.dialect(), {}, {}};
  ConflictReport report;
  for (const auto& op : plan.operations) {
    auto failed = [&](std::string probe, std::string error, bool lost) {
      Conflict where;
      ctx.locate(where, op);
      ProbeFailure f;
      f.migration = m.id;
      f.statement = where.statement;
      f.line = where.line;
      f.table = op.table;
      f.check = op.comment.empty() ? std::string("conflict check") : op.comment;
      f.probe = std::move(probe);
      f.error = std::move(error);
      f.connection_lost = lost;
      report.failures.push_back(std::move(f));
    };
    if (done_statements > 0) {
      Conflict where;
      ctx.locate(where, op);
      if (where.statement > 0 && where.statement <= done_statements) continue;
    }
    try {
      // A table that does not exist yet (created by an earlier pending migration) has no rows.
      if (!op.table.empty() && op.kind != OpKind::drop_enum_value && !live_table_exists(c, op.table, op.schema))
        continue;
      ctx.check(op);
    } catch (const ProbeDistrust& e) {
      failed(e.probe, e.reason, false);
    } catch (const driver::DbError& e) {
      failed(e.statement(), e.what(), !e.connection_usable());
      if (!e.connection_usable()) break;  // every later probe would fail the same way
    }
  }
  report.conflicts = std::move(ctx.out);
  return report;
}

std::vector<bool> lossy_by_data(driver::SqlConnection& c, const MigrationFile& m, const schema::Schema& after,
                                bool data_written_before) {
  std::vector<bool> lossy(m.down.size(), false);
  schema::Schema model = after;
  bool replays = true;
  bool data_written = data_written_before;
  for (std::size_t i = 0; i < m.down.size(); ++i) {
    const MigrationStatement& st = m.down[i];
    schema::Schema next = model;
    diag::Diagnostics rd;
    if (replays) sql::apply_ddl(next, sql::SourceFile{m.path.string(), st.sql}, rd);
    replays = replays && !diag::has_errors(rd);
    const bool was_data_written = data_written;
    data_written = data_written || sql::is_dml(st.sql, c.dialect());
    if (!st.lossy) {
      model = std::move(next);
      continue;
    }
    lossy[i] = true;
    if (!replays || was_data_written) continue;
    const diff::Plan plan = diff::diff_schemas(model, next, diff::DiffOptions{.renames = {}, .accept_drops = true});
    const bool only_drops = !plan.operations.empty() &&
                            std::all_of(plan.operations.begin(), plan.operations.end(), [](const diff::Operation& op) {
                              switch (op.kind) {
                                case OpKind::drop_table: case OpKind::drop_column: case OpKind::drop_index:
                                case OpKind::drop_foreign_key: case OpKind::drop_unique: case OpKind::drop_check:
                                case OpKind::drop_primary_key: case OpKind::drop_view:
                                  return true;
                                default:
                                  return false;
                              }
                            });
    if (only_drops) {
      bool present = true;
      try {
        for (const auto& op : plan.operations)
          if ((op.kind == OpKind::drop_table || op.kind == OpKind::drop_column) &&
              !live_table_exists(c, op.table, op.schema))
            present = false;
        if (present) {
          MigrationFile one = m;
          one.up = {st};
          const ConflictReport r = detect_conflicts(c, one, model, next, plan);
          lossy[i] = !r.conflicts.empty() || !r.failures.empty();
        }
      } catch (const driver::DbError& e) {
        if (!e.connection_usable()) throw;
      }
    }
    model = std::move(next);
  }
  return lossy;
}

std::vector<std::string> destructive_tables(const diff::Plan& plan) {
  std::vector<std::string> out;
  for (const auto& op : plan.operations) {
    if (!op.destructive || op.table.empty()) continue;
    if (op.kind == OpKind::drop_index || op.kind == OpKind::drop_view || op.kind == OpKind::drop_enum ||
        op.kind == OpKind::drop_enum_value || op.kind == OpKind::drop_unique || op.kind == OpKind::drop_check ||
        op.kind == OpKind::drop_foreign_key || op.kind == OpKind::drop_primary_key)
      continue;
    if (std::find(out.begin(), out.end(), op.table) == out.end()) out.push_back(op.table);
  }
  return out;
}

std::string describe(const Conflict& c) {
  std::string s = c.migration;
  if (c.statement > 0) s += " statement " + std::to_string(c.statement) + " (line " + std::to_string(c.line) + ")";
  s += ": table " + c.table + ": " + c.message;
  for (const auto& r : c.resolutions) s += "\n    fix: " + r;
  return s;
}

std::string describe(const ProbeFailure& f) {
  std::string s = f.migration;
  if (f.statement > 0) s += " statement " + std::to_string(f.statement) + " (line " + std::to_string(f.line) + ")";
  if (!f.table.empty()) s += ": table " + f.table;
  s += ": the conflict check for `" + f.check + "` could not run: " + f.error;
  if (!f.probe.empty()) s += "\n    probe: " + f.probe;
  return s;
}

}  // namespace flash::migrate
