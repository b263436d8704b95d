#include "flash/codegen/copyfrom.hpp"

#include "flash/query/parse.hpp"
#include "flash/schema/printer.hpp"

namespace flash::codegen {

std::optional<CopyTarget> copy_target(const query::Query& q, schema::Dialect dialect, const schema::Schema* schema,
                                      diag::Diagnostics& diags) {
  const auto fail = [&](const std::string& why) -> std::optional<CopyTarget> {
    diag::Diagnostic d;
    d.code = "gen.copyfrom";
    d.message = "query " + q.name + ": " + why;
    d.hint = ":copyfrom needs `INSERT INTO t (a, b) VALUES ($1, $2)` (one row, parameters only)";
    d.location = q.loc;
    diags.push_back(std::move(d));
    return std::nullopt;
  };
  // The analyser already parsed this text once; parsing it again here keeps the query stage's
  // output free of INSERT-specific fields.
  query::ParseResult pr = query::parse_query(q.sql, dialect);
  if (!pr.statement || pr.statement->kind != query::ast::Statement::Kind::insert || !pr.statement->insert)
    return fail("a :copyfrom query must be an INSERT");
  const query::ast::Insert& ins = *pr.statement->insert;
  if (ins.select || ins.default_values || ins.rows.size() != 1)
    return fail("a :copyfrom INSERT must have exactly one VALUES row");
  if (ins.on_conflict || !ins.on_duplicate.empty() || !ins.returning.empty() || !ins.with.ctes.empty())
    return fail("a :copyfrom INSERT cannot have WITH, ON CONFLICT, ON DUPLICATE KEY UPDATE or RETURNING");
  CopyTarget t;
  t.schema = ins.table.schema;
  t.table = ins.table.name;
  if (dialect == schema::Dialect::postgresql && t.schema == "public") t.schema.clear();
  for (const auto& c : ins.columns) t.columns.push_back(c.name);
  if (t.columns.empty()) {
    const schema::Table* table = schema ? schema->find_table(t.table, t.schema) : nullptr;
    if (!table) return fail("table `" + t.table + "` not found; list the columns of the INSERT");
    for (const auto& c : table->columns) t.columns.push_back(c.name);
  }
  const auto& row = ins.rows[0];
  if (row.size() != t.columns.size()) return fail("the VALUES row has " + std::to_string(row.size()) +
                                                  " items for " + std::to_string(t.columns.size()) + " columns");
  for (const auto& e : row) {
    if (!e || e->kind != query::ast::ExprKind::param) return fail("every VALUES item must be a parameter");
    const int n = e->param_number;
    std::optional<std::size_t> idx;
    if (dialect == schema::Dialect::mysql && !q.bind_order.empty()) {
      // MySQL numbers placeholders in order; a name used twice was merged into one parameter.
      if (n >= 1 && static_cast<std::size_t>(n) <= q.bind_order.size())
        idx = static_cast<std::size_t>(q.bind_order[static_cast<std::size_t>(n - 1)]);
    } else {
      for (std::size_t i = 0; i < q.params.size(); ++i)
        if (q.params[i].number == n) idx = i;
    }
    if (!idx || *idx >= q.params.size()) return fail("parameter " + std::to_string(n) + " is unknown");
    if (q.params[*idx].is_slice) return fail("sqlc.slice() cannot be a :copyfrom value");
    t.column_param.push_back(*idx);
  }
  return t;
}

std::size_t max_bind_params(schema::Dialect dialect) {
  return dialect == schema::Dialect::sqlite ? 32766 : 65535;
}

std::size_t copy_chunk_rows(const CopyTarget& t, schema::Dialect dialect) {
  const std::size_t cols = t.columns.empty() ? 1 : t.columns.size();
  const std::size_t n = max_bind_params(dialect) / cols;
  return n == 0 ? 1 : n;
}

std::string copy_insert_prefix(const CopyTarget& t, schema::Dialect dialect) {
  std::string s = "INSERT INTO ";
  if (!t.schema.empty()) s += schema::quote_ident_always(t.schema, dialect) + ".";
  s += schema::quote_ident_always(t.table, dialect) + " (";
  for (std::size_t i = 0; i < t.columns.size(); ++i) s += (i ? ", " : "") + schema::quote_ident_always(t.columns[i], dialect);
  return s + ") VALUES ";
}

}  // namespace flash::codegen
