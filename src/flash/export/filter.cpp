// --where validation (filter.hpp).
#include "flash/export/filter.hpp"

#include <algorithm>
#include <string>

#include "flash/diag/diagnostic.hpp"
#include "flash/query/parse.hpp"
#include "flash/sql/lexer.hpp"
#include "flash/util/text.hpp"

namespace flash::exporter {
namespace {

namespace ast = query::ast;
constexpr std::string_view kFile = "--where";

[[noreturn]] void reject(std::string_view where, std::size_t offset, std::size_t length, const std::string& what) {
  auto d = diag::at_offset("export.where", "--where " + what, kFile, where, std::min(offset, where.size()),
                           std::max<std::size_t>(length, 1));
  d.exit_code = diag::ExitCode::usage;
  d.hint = "--where takes one SQL condition, e.g. --where \"created_at >= '2024-01-01'\"";
  throw diag::Error(std::move(d));
}

// Functions whose effect reaches outside the read-only query: time, other connections, files,
// locks, sequences, server state, SQL text executed by the function.
bool forbidden_function(std::string name) {
  name = util::to_lower(name);
  static const char* const prefixes[] = {"pg_sleep", "dblink", "lo_", "pg_advisory", "pg_try_advisory",
                                         "query_to_xml", "pg_read_", "pg_ls_", "pg_file", "pg_logical_",
                                         "pg_create_", "pg_drop_", "pg_replication_", "pg_stat_reset"};
  for (const char* p : prefixes)
    if (name.rfind(p, 0) == 0) return true;
  static const char* const names[] = {
      "sleep", "benchmark", "load_file", "get_lock", "release_lock", "release_all_locks", "is_free_lock",
      "master_pos_wait", "master_gtid_wait", "nextval", "setval", "lastval", "set_config", "pg_notify",
      "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile", "pg_switch_wal",
      "pg_promote", "pg_stat_file", "cursor_to_xml", "table_to_xml", "table_to_xml_and_xmlschema",
      "schema_to_xml", "database_to_xml", "txid_current", "pg_current_xact_id",
      "load_extension", "readfile", "writefile", "edit", "fts3_tokenizer", "sys_exec", "sys_eval",
      "pg_import_system_collations", "pg_backup_start", "pg_backup_stop"};
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

struct Walker {
  std::string_view where;
  std::size_t base;  // offset of the filter text in the parsed statement

  [[noreturn]] void fail(std::size_t offset, std::size_t length, const std::string& what) const {
    reject(where, offset >= base ? offset - base : 0, length, what);
  }
  void expr(const ast::ExprPtr& e) {
    if (e) expr(*e);
  }
  void expr(const ast::Expr& e) {
    if (e.kind == ast::ExprKind::func && forbidden_function(e.name))
      fail(e.offset, e.name.size(), "calls `" + e.name + "`, which acts outside a read-only query");
    if (e.kind == ast::ExprKind::param) fail(e.offset, 1, "has a parameter; write the value itself");
    expr(e.left);
    expr(e.right);
    expr(e.arg);
    for (const auto& a : e.args) expr(a);
    expr(e.filter);
    if (e.over) {
      for (const auto& p : e.over->partition_by) expr(p);
      for (const auto& o : e.over->order_by) expr(o.expr);
    }
    for (const auto& o : e.agg_order) expr(o.expr);
    for (const auto& w : e.whens) {
      expr(w.when);
      expr(w.then);
    }
    expr(e.else_);
    if (e.subquery) select(*e.subquery);
    for (const auto& c : e.children) expr(c);
  }
  void table(const ast::TableRef& t) {
    if (t.subquery) select(*t.subquery);
    for (const auto& f : t.functions) expr(f);
    if (t.left) table(*t.left);
    if (t.right) table(*t.right);
    expr(t.on);
  }
  void select(const ast::Select& s) {
    if (!s.with.ctes.empty()) fail(s.offset, 4, "has a WITH clause");
    if (s.locking) fail(s.offset, 6, "locks rows (FOR UPDATE/SHARE)");
    if (s.larg) select(*s.larg);
    if (s.rarg) select(*s.rarg);
    for (const auto& d : s.distinct_on) expr(d);
    for (const auto& t : s.targets) expr(t.expr);
    for (const auto& row : s.values)
      for (const auto& v : row) expr(v);
    for (const auto& t : s.from) table(t);
    expr(s.where);
    for (const auto& g : s.group_by) expr(g);
    expr(s.having);
    for (const auto& o : s.order_by) expr(o.expr);
    expr(s.limit);
    expr(s.offset_expr);
  }
};

}  // namespace

void check_filter(std::string_view where, schema::Dialect d) {
  if (util::trim(where).empty()) reject(where, 0, 1, "is empty");
  // Tokens first: what a parser might accept but must never reach the server here.
  diag::Diagnostics diags;
  const std::string text(where);
  sql::LexOptions lo;
  lo.keep_comments = true;
  const sql::SourceFile src{std::string(kFile), text};  // the tokens point into it
  const auto tokens = sql::lex(src, d, diags, lo);
  for (const auto& dg : diags)
    if (dg.severity == diag::Severity::error) {
      auto copy = dg;
      copy.code = "export.where";
      copy.message = "--where: " + copy.message;
      copy.exit_code = diag::ExitCode::usage;
      throw diag::Error(std::move(copy));
    }
  int depth = 0;
  for (const auto& t : tokens) {
    if (t.kind == sql::TokenKind::comment)
      reject(where, t.offset, t.raw.size(), "has a comment; comments are not allowed in a filter");
    if (t.kind == sql::TokenKind::param) reject(where, t.offset, t.raw.size(), "has a parameter; write the value itself");
    if (t.kind != sql::TokenKind::op) continue;
    if (t.raw == ";") reject(where, t.offset, 1, "has a `;`: only one condition is allowed, not statements");
    if (t.raw == "(") ++depth;
    if (t.raw == ")" && --depth < 0) reject(where, t.offset, 1, "closes a parenthesis it did not open");
  }
  if (depth != 0) reject(where, where.size(), 1, "has an unclosed parenthesis");

  // Then the grammar: exactly one condition.
  const std::string prefix = "SELECT 1 FROM flash_filter WHERE (";
  const std::string stmt = prefix + text + "\n)";
  auto pr = query::parse_query(stmt, d);
  const auto at = [&](std::size_t off) { return off >= prefix.size() ? off - prefix.size() : 0; };
  if (!pr.statement) reject(where, at(pr.error_offset), 1, "is not a valid condition: " + pr.error);
  if (pr.multiple) reject(where, where.size(), 1, "holds more than one statement");
  const auto& st = *pr.statement;
  if (st.kind != ast::Statement::Kind::select || !st.select) reject(where, 0, 1, "is not a condition");
  const auto& s = *st.select;
  if (s.op != ast::SetOp::none || s.larg || s.rarg) reject(where, 0, 1, "adds a set operation (UNION/INTERSECT/EXCEPT)");
  if (!s.group_by.empty() || s.having || !s.order_by.empty() || s.limit || s.offset_expr || s.locking ||
      !s.with.ctes.empty() || s.from.size() != 1 || !s.where || s.targets.size() != 1)
    reject(where, 0, 1, "is more than one condition");
  Walker w{where, prefix.size()};
  w.expr(*s.where);
}

}  // namespace flash::exporter
