#include "flash/diff/online.hpp"

#include "flash/diff/hooks.hpp"
#include "flash/schema/printer.hpp"
#include "flash/util/text.hpp"

namespace flash::diff {
namespace {

using schema::Dialect;

// The lock_timeout the online PostgreSQL plan sets: a DDL statement waiting longer than this for
// its lock gives up (and is retried by the executor) instead of queueing every query behind it.
constexpr const char* kLockTimeout = "SET lock_timeout = '5s'";

const schema::Table* table_of(const schema::Schema& s, const Operation& op) { return s.find_table(op.table, op.schema); }

const schema::Index* index_of(const schema::Schema& s, const Operation& op) {
  for (const auto& i : s.indexes)
    if (i.name == op.object && i.table == op.table && i.schema == op.schema) return &i;
  return nullptr;
}

std::string drop_index_concurrently(const DialectHooks& h, const schema::Index& i) {
  return "DROP INDEX CONCURRENTLY IF EXISTS " + h.qn(i.schema, i.name);
}

// The constraint's name as PostgreSQL will have it (the model's, or the server's default).
std::string constraint_name(const DialectHooks& h, const schema::Table& t, const Operation& op) {
  if (!op.object.empty()) return op.object;
  if (op.kind == OpKind::add_foreign_key)
    for (const auto& fk : t.foreign_keys)
      if (fk.columns == op.columns && fk.ref_table == op.ref_table) return h.default_fk_name(t, fk);
  return "";
}

// SET NOT NULL without a scan under lock: after `before`, CHECK (col IS NOT NULL) NOT VALID,
// VALIDATE it (no write block), the `set` statements (PostgreSQL 12+ proves NOT NULL from the
// validated check), and the helper check dropped.
std::vector<std::string> set_not_null_online(const std::string& qt, const std::string& table, const std::string& column,
                                             std::vector<std::string> before, const std::vector<std::string>& set) {
  std::string helper = "flash_nn_" + table + "_" + column;
  if (helper.size() > 63) helper = helper.substr(0, 63);
  const std::string qh = schema::quote_ident(helper, Dialect::postgresql);
  before.push_back("ALTER TABLE " + qt + " ADD CONSTRAINT " + qh + " CHECK (" +
                   schema::quote_ident(column, Dialect::postgresql) + " IS NOT NULL) NOT VALID");
  before.push_back("ALTER TABLE " + qt + " VALIDATE CONSTRAINT " + qh);
  before.insert(before.end(), set.begin(), set.end());
  before.push_back("ALTER TABLE " + qt + " DROP CONSTRAINT " + qh);
  return before;
}

bool postgres(Plan& plan, const schema::Schema& from, const schema::Schema& to, std::vector<std::string>& notes) {
  const DialectHooks& h = hooks_for(Dialect::postgresql);
  bool touched = false;
  for (auto& op : plan.operations) {
    const schema::Table* before = table_of(from, op);
    if (!before) continue;  // a table the plan creates (or a non-table object): nothing to protect
    const schema::Table* after = table_of(to, op);
    const std::string qt = h.qn(op.schema, op.table);
    switch (op.kind) {
      case OpKind::create_index: {
        const schema::Index* i = index_of(to, op);
        if (!i) break;
        schema::Index c = *i;
        c.concurrently = true;
        op.up = {h.create_index(c)};
        op.down = {drop_index_concurrently(h, *i)};
        notes.push_back("create index " + i->name + " CONCURRENTLY (no write lock while it builds)");
        touched = true;
        break;
      }
      case OpKind::drop_index: {
        const schema::Index* i = index_of(from, op);
        if (!i) break;
        schema::Index c = *i;
        c.concurrently = true;
        op.up = {drop_index_concurrently(h, *i)};
        op.down = {h.create_index(c)};
        notes.push_back("drop index " + i->name + " CONCURRENTLY");
        touched = true;
        break;
      }
      case OpKind::add_foreign_key:
      case OpKind::add_check: {
        if (!after || op.up.size() != 1) break;
        const std::string name = constraint_name(h, *after, op);
        if (name.empty()) break;  // an unnamed CHECK: PostgreSQL names it; keep the plain form
        op.up = {op.up[0] + " NOT VALID", "ALTER TABLE " + qt + " VALIDATE CONSTRAINT " + schema::quote_ident(name, Dialect::postgresql)};
        notes.push_back(std::string(op.kind == OpKind::add_check ? "check " : "foreign key ") + name +
                        " added NOT VALID, then validated (writes go on during the validation)");
        touched = true;
        break;
      }
      case OpKind::set_not_null:
        op.up = set_not_null_online(qt, op.table, op.object, {}, op.up);
        notes.push_back("set not null on " + op.table + "." + op.object + " through a validated CHECK (no scan under lock)");
        touched = true;
        break;
      case OpKind::add_column: {
        const schema::Column* c = after ? after->find_column(op.object) : nullptr;
        touched = true;
        if (!c || !c->default_expr || !volatile_expression(*c->default_expr) ||
            c->generated != schema::GeneratedKind::none || c->identity != schema::Identity::none)
          break;
        // Nullable without the default (no rewrite), the default for new rows, existing rows in
        // batches, then NOT NULL through a validated CHECK.
        schema::Column bare = *c;
        bare.default_expr.reset();
        bare.nullable = true;
        const std::string qc = schema::quote_ident(c->name, Dialect::postgresql);
        const std::string batch = std::to_string(kBackfillBatch);
        std::vector<std::string> up = h.add_column(*after, bare);
        up.push_back("ALTER TABLE " + qt + " ALTER COLUMN " + qc + " SET DEFAULT " + *c->default_expr);
        up.push_back("UPDATE /* flash:batch " + batch + " */ " + qt + " SET " + qc + " = " + *c->default_expr +
                     " WHERE ctid IN (SELECT ctid FROM " + qt + " WHERE " + qc + " IS NULL LIMIT " + batch + ")");
        if (!c->nullable)
          up = set_not_null_online(qt, op.table, c->name, std::move(up),
                                   {"ALTER TABLE " + qt + " ALTER COLUMN " + qc + " SET NOT NULL"});
        op.up = std::move(up);
        notes.push_back("add column " + op.table + "." + c->name + " with volatile default " + *c->default_expr +
                        ": added without it, default set, existing rows backfilled in batches of " + batch +
                        (c->nullable ? "" : ", then NOT NULL through a validated CHECK"));
        break;
      }
      default:
        // Every other change of an existing table still takes a lock: bounded by lock_timeout.
        touched = touched || op.kind != OpKind::raw_statement;
    }
  }
  if (!touched) return false;
  plan.up_transactional = false;
  plan.down_transactional = false;
  plan.up_prelude = {kLockTimeout};
  plan.down_prelude = {kLockTimeout};
  notes.insert(notes.begin(), "runs outside a transaction, statement by statement (resumable), after " +
                                  std::string(kLockTimeout) + " (a statement that times out on its lock is retried)");
  return true;
}

// Appends `clause` to the statement when it is an ALTER TABLE (", ALGORITHM=...") or a
// CREATE/DROP INDEX (" ALGORITHM=... LOCK=...").
void assert_algorithm(std::string& stmt, const std::string& alter_clause, const std::string& index_clause) {
  const std::string up = util::to_upper(stmt.substr(0, 40));
  if (up.rfind("ALTER TABLE", 0) == 0) stmt += alter_clause;
  else if ((up.rfind("CREATE", 0) == 0 && up.find("INDEX") != std::string::npos) || up.rfind("DROP INDEX", 0) == 0)
    stmt += index_clause;
}

void mysql(Plan& plan, const schema::Schema& from, const schema::Schema& to, std::vector<std::string>& notes) {
  for (auto& op : plan.operations) {
    if (!table_of(from, op)) continue;
    std::string alter, index, what;
    switch (op.kind) {
      case OpKind::add_column:
      case OpKind::drop_column: {
        const schema::Table* t = table_of(op.kind == OpKind::add_column ? to : from, op);
        const schema::Column* c = t ? t->find_column(op.object) : nullptr;
        // AUTO_INCREMENT and stored generated columns need a copy; everything else is instant.
        if (!c || c->auto_increment || c->generated == schema::GeneratedKind::stored) continue;
        alter = ", ALGORITHM=INSTANT";
        what = (op.kind == OpKind::add_column ? "add column " : "drop column ") + op.table + "." + op.object +
               ": ALGORITHM=INSTANT asserted";
        break;
      }
      case OpKind::set_default:
      case OpKind::drop_default:
      case OpKind::rename_column:
        alter = ", ALGORITHM=INSTANT";
        what = std::string(to_string(op.kind)) + " " + op.table + "." + op.object + ": ALGORITHM=INSTANT asserted";
        break;
      case OpKind::create_index:
      case OpKind::drop_index: {
        const schema::Index* i = index_of(op.kind == OpKind::create_index ? to : from, op);
        if (!i || i->method == "fulltext" || i->method == "spatial") continue;  // these block writes
        alter = ", ALGORITHM=INPLACE, LOCK=NONE";
        index = " ALGORITHM=INPLACE LOCK=NONE";
        what = std::string(to_string(op.kind)) + " " + op.object + ": ALGORITHM=INPLACE, LOCK=NONE asserted";
        break;
      }
      default: continue;
    }
    for (auto& s : op.up) assert_algorithm(s, alter, index);
    for (auto& s : op.down) assert_algorithm(s, alter, index);
    notes.push_back(what);
  }
}

}  // namespace

bool volatile_expression(const std::string& expr) {
  const std::string e = util::to_lower(expr);
  for (const char* f : {"random(", "clock_timestamp(", "gen_random_uuid(", "uuid_generate_v", "timeofday(", "nextval("})
    if (e.find(f) != std::string::npos) return true;
  return false;
}

std::vector<std::string> make_online(Plan& plan, const schema::Schema& from, const schema::Schema& to) {
  std::vector<std::string> notes;
  if (plan.dialect == Dialect::postgresql) postgres(plan, from, to, notes);
  else if (plan.dialect == Dialect::mysql) mysql(plan, from, to, notes);
  return notes;
}

}  // namespace flash::diff
