// The MySQL/SQLite query parser: AST shapes for representative statements (the same shapes the
// PostgreSQL front end builds), operator precedence, parameters, and located syntax errors.
#include <gtest/gtest.h>

#include <deque>

#include "flash/query/parse.hpp"

using namespace flash;
using namespace flash::query::ast;
using flash::schema::Dialect;

namespace {

Statement parse_ok(std::string_view sql, Dialect d) {
  query::ParseResult r = query::parse_query(sql, d);
  EXPECT_TRUE(r.statement.has_value()) << sql << "\n  error: " << r.error << " @" << r.error_offset;
  if (!r.statement) return Statement{};
  return std::move(*r.statement);
}
Statement my(std::string_view sql) { return parse_ok(sql, Dialect::mysql); }
Statement lite(std::string_view sql) { return parse_ok(sql, Dialect::sqlite); }

// Statements parsed in a test stay alive until the program ends, so references into them
// (sel(my("..."))) stay valid.
const Select& sel(Statement st) {
  static std::deque<Statement> keep;
  EXPECT_EQ(st.kind, Statement::Kind::select);
  static const Select empty;
  keep.push_back(std::move(st));
  return keep.back().select ? *keep.back().select : empty;
}

// A compact rendering of an expression tree for shape assertions.
std::string show(const Expr* e) {
  if (!e) return "_";
  switch (e->kind) {
    case ExprKind::column: {
      std::string q;
      for (const auto& p : e->qualifier) q += p + ".";
      return q + (e->star ? "*" : e->name);
    }
    case ExprKind::literal:
      switch (e->literal) {
        case LiteralKind::string: return "'" + e->text + "'";
        case LiteralKind::null: return "NULL";
        case LiteralKind::bits: return "x" + e->text;
        default: return e->text;
      }
    case ExprKind::param: return "?" + std::to_string(e->param_number);
    case ExprKind::unary: return "(" + e->op + " " + show(e->arg.get()) + ")";
    case ExprKind::binary:
      return "(" + show(e->left.get()) + (e->negated ? " NOT " : " ") + e->op + " " + show(e->right.get()) + ")";
    case ExprKind::func: {
      std::string s = e->name + "(";
      if (e->distinct) s += "DISTINCT ";
      if (e->agg_star) s += "*";
      for (std::size_t i = 0; i < e->args.size(); ++i) s += (i ? "," : "") + show(e->args[i].get());
      s += ")";
      if (e->filter) s += " FILTER " + show(e->filter.get());
      if (e->over) s += " OVER";
      return s;
    }
    case ExprKind::case_: return "CASE";
    case ExprKind::cast: return "CAST(" + show(e->arg.get()) + " AS " + (e->type.names.empty() ? "" : e->type.names.back()) + ")";
    case ExprKind::in_list: {
      std::string s = "(" + show(e->arg.get()) + (e->negated ? " NOT IN [" : " IN [");
      for (std::size_t i = 0; i < e->args.size(); ++i) s += (i ? "," : "") + show(e->args[i].get());
      return s + "])";
    }
    case ExprKind::sublink:
      return std::string("SUBLINK:") + (e->sublink == SublinkKind::exists ? "exists" : e->sublink == SublinkKind::any ? "any" : e->sublink == SublinkKind::all ? "all" : "scalar") +
             (e->arg ? "(" + show(e->arg.get()) + " " + e->op + ")" : "");
    case ExprKind::between:
      return "(" + show(e->arg.get()) + (e->negated ? " NOT BETWEEN " : " BETWEEN ") + show(e->args[0].get()) + " AND " +
             show(e->args[1].get()) + ")";
    case ExprKind::is_null: return "(" + show(e->arg.get()) + (e->negated ? " IS NOT NULL)" : " IS NULL)");
    case ExprKind::is_bool: return "(" + show(e->arg.get()) + " IS " + (e->negated ? "NOT " : "") + e->op + ")";
    case ExprKind::row: {
      std::string s = "ROW(";
      for (std::size_t i = 0; i < e->args.size(); ++i) s += (i ? "," : "") + show(e->args[i].get());
      return s + ")";
    }
    case ExprKind::default_: return "DEFAULT";
    case ExprKind::other: {
      std::string s = "OTHER:" + e->name + "(";
      for (std::size_t i = 0; i < e->children.size(); ++i) s += (i ? "," : "") + show(e->children[i].get());
      return s + ")" + e->text;
    }
    default: return "?";
  }
}

std::string where_of(std::string_view sql, Dialect d) {
  Statement st = parse_ok(sql, d);
  if (!st.select || !st.select->where) return "<none>";
  return show(st.select->where.get());
}

}  // namespace

TEST(ParseMysqlSqlite, SimpleSelect) {
  Statement st = my("SELECT id, name AS n, `u`.email e FROM users u WHERE id = ? LIMIT 1");
  const Select& s = *st.select;
  ASSERT_EQ(s.targets.size(), 3u);
  EXPECT_EQ(show(s.targets[0].expr.get()), "id");
  EXPECT_EQ(s.targets[1].alias, "n");
  EXPECT_EQ(show(s.targets[2].expr.get()), "u.email");
  EXPECT_EQ(s.targets[2].alias, "e");
  ASSERT_EQ(s.from.size(), 1u);
  EXPECT_EQ(s.from[0].kind, TableRef::Kind::table);
  EXPECT_EQ(s.from[0].name, "users");
  EXPECT_EQ(s.from[0].alias.name, "u");
  EXPECT_EQ(show(s.where.get()), "(id = ?1)");
  EXPECT_EQ(show(s.limit.get()), "1");
  // Offsets: the statement and select start at the first target; the table at its name.
  EXPECT_EQ(st.offset, 7u);
  EXPECT_EQ(s.targets[1].offset, 11u);
  EXPECT_EQ(s.from[0].offset, std::string_view("SELECT id, name AS n, `u`.email e FROM users u").find("users"));
}

TEST(ParseMysqlSqlite, StarsDistinctSchemaQualified) {
  const Select& s = sel(lite("SELECT DISTINCT a.*, * FROM main.authors AS a"));
  EXPECT_TRUE(s.distinct);
  EXPECT_TRUE(s.targets[0].expr->star);
  EXPECT_EQ(s.targets[0].expr->qualifier, std::vector<std::string>{"a"});
  EXPECT_TRUE(s.targets[1].expr->star);
  EXPECT_TRUE(s.targets[1].expr->qualifier.empty());
  EXPECT_EQ(s.from[0].schema, "main");
  EXPECT_EQ(s.from[0].name, "authors");
  EXPECT_EQ(s.from[0].alias.name, "a");
}

TEST(ParseMysqlSqlite, Precedence) {
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE a = 1 OR b = 2 AND NOT c", Dialect::mysql),
            "((a = 1) OR ((b = 2) AND (NOT c)))");
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE a + b * c - d / 2 > 3", Dialect::sqlite), "(((a + (b * c)) - (d / 2)) > 3)");
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE a || b = 'x'", Dialect::sqlite), "((a || b) = 'x')");
  // MySQL: || is OR, && is AND, ! is NOT, DIV/MOD/XOR.
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE a = 1 || b = 2 && !c", Dialect::mysql), "((a = 1) || ((b = 2) AND (NOT c)))");
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE a DIV 2 = b MOD 3 XOR c", Dialect::mysql), "(((a DIV 2) = (b % 3)) XOR c)");
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE a <=> b", Dialect::mysql), "(a <=> b)");
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE a == -5", Dialect::sqlite), "(a = -5)");
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE - a < 2", Dialect::sqlite), "((- a) < 2)");
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE data->>'$.a' = ?", Dialect::mysql), "((data ->> '$.a') = ?1)");
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE name COLLATE NOCASE = ?", Dialect::sqlite), "(name = ?1)");
}

TEST(ParseMysqlSqlite, Predicates) {
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE a IS NULL AND b IS NOT NULL", Dialect::mysql),
            "((a IS NULL) AND (b IS NOT NULL))");
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE a ISNULL OR b NOTNULL OR c NOT NULL", Dialect::sqlite),
            "(((a IS NULL) OR (b IS NOT NULL)) OR (c IS NOT NULL))");
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE a IS TRUE", Dialect::mysql), "(a IS TRUE)");
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE a IS NOT DISTINCT FROM ?", Dialect::sqlite), "(a NOT IS DISTINCT FROM ?1)");
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE a IS ?", Dialect::sqlite), "(a IS ?1)");
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE a NOT IN (1, 2) AND b IN (?)", Dialect::mysql),
            "((a NOT IN [1,2]) AND (b IN [?1]))");
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE a BETWEEN ? AND ? AND b NOT BETWEEN 1 AND 2", Dialect::mysql),
            "((a BETWEEN ?1 AND ?2) AND (b NOT BETWEEN 1 AND 2))");
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE a NOT LIKE ? ESCAPE '!' AND b GLOB 'x*'", Dialect::sqlite),
            "((a NOT LIKE ?1) AND (b GLOB 'x*'))");
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE a RLIKE ? AND b MATCH ?", Dialect::sqlite), "((a REGEXP ?1) AND (b MATCH ?2))");
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE (a, b) = (?, ?)", Dialect::mysql), "(ROW(a,b) = ROW(?1,?2))");
}

TEST(ParseMysqlSqlite, Subqueries) {
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE id IN (SELECT x FROM u)", Dialect::mysql), "SUBLINK:any(id =)");
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE id NOT IN (SELECT x FROM u)", Dialect::sqlite), "(NOT SUBLINK:any(id =))");
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE NOT EXISTS (SELECT 1 FROM u)", Dialect::mysql), "(NOT SUBLINK:exists)");
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE a > ALL (SELECT x FROM u)", Dialect::mysql), "SUBLINK:all(a >)");
  const Select& s = sel(my("SELECT (SELECT max(id) FROM u) AS m FROM t"));
  ASSERT_EQ(s.targets[0].expr->kind, ExprKind::sublink);
  EXPECT_EQ(s.targets[0].expr->sublink, SublinkKind::scalar);
  EXPECT_EQ(s.targets[0].alias, "m");
  EXPECT_EQ(show(s.targets[0].expr->subquery->targets[0].expr.get()), "max(id)");
}

TEST(ParseMysqlSqlite, Functions) {
  const Select& s = sel(my(
      "SELECT COUNT(*), COUNT(DISTINCT a), COALESCE(b, 0), GROUP_CONCAT(DISTINCT c ORDER BY c SEPARATOR ','), "
      "CAST(d AS UNSIGNED), CAST(e AS DECIMAL(10, 2)), CONVERT(f, CHAR), NOW(), CURRENT_TIMESTAMP, "
      "DATE_ADD(g, INTERVAL ? DAY), EXTRACT(YEAR FROM h), IF(i, 1, 2), TIMESTAMPDIFF(SECOND, j, k), "
      "VALUES(x), x'ff', 0x1F, TRUE FROM t"));
  std::vector<std::string> got;
  for (const auto& t : s.targets) got.push_back(show(t.expr.get()));
  std::vector<std::string> want = {"count(*)",       "count(DISTINCT a)",   "coalesce(b,0)", "group_concat(DISTINCT c,',')",
                                   "CAST(d AS bigint)", "CAST(e AS decimal)", "CAST(f AS char)", "now()",
                                   "current_timestamp()", "date_add(g,OTHER:interval(?1)DAY)", "extract('year',h)",
                                   "if(i,1,2)", "timestampdiff('SECOND',j,k)", "values(x)", "xff", "x1F", "true"};
  EXPECT_EQ(got, want);
  EXPECT_EQ(s.targets[5].expr->type.args, (std::vector<std::string>{"10", "2"}));
  ASSERT_EQ(s.targets[3].expr->agg_order.size(), 1u);
}

TEST(ParseMysqlSqlite, WindowsAndFilter) {
  const Select& s = sel(lite(
      "SELECT row_number() OVER (PARTITION BY a ORDER BY b DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), "
      "sum(x) FILTER (WHERE x > 0) OVER w, CASE WHEN a THEN 1 ELSE 2 END FROM t WINDOW w AS (ORDER BY a)"));
  ASSERT_EQ(s.targets.size(), 3u);
  const Expr& rn = *s.targets[0].expr;
  ASSERT_TRUE(rn.over.has_value());
  EXPECT_EQ(rn.over->partition_by.size(), 1u);
  ASSERT_EQ(rn.over->order_by.size(), 1u);
  EXPECT_TRUE(rn.over->order_by[0].descending);
  EXPECT_EQ(show(s.targets[1].expr.get()), "sum(x) FILTER (x > 0) OVER");
  EXPECT_EQ(s.targets[1].expr->over->name, "w");
  EXPECT_EQ(s.targets[2].expr->kind, ExprKind::case_);
  EXPECT_EQ(s.targets[2].expr->whens.size(), 1u);
}

TEST(ParseMysqlSqlite, Joins) {
  const Select& s = sel(my(
      "SELECT * FROM a INNER JOIN b ON a.id = b.a_id LEFT OUTER JOIN c USING (id) NATURAL JOIN d "
      "STRAIGHT_JOIN e CROSS JOIN f, g JOIN h"));
  ASSERT_EQ(s.from.size(), 2u);
  const TableRef& top = s.from[0];
  ASSERT_EQ(top.kind, TableRef::Kind::join);
  EXPECT_EQ(top.join, JoinKind::cross);           // CROSS JOIN f
  EXPECT_EQ(top.right->name, "f");
  const TableRef& st = *top.left;                 // STRAIGHT_JOIN e (no ON): cross
  EXPECT_EQ(st.join, JoinKind::cross);
  const TableRef& nat = *st.left;
  EXPECT_TRUE(nat.natural);
  const TableRef& left = *nat.left;
  EXPECT_EQ(left.join, JoinKind::left);
  EXPECT_EQ(left.using_columns, std::vector<std::string>{"id"});
  const TableRef& inner = *left.left;
  EXPECT_EQ(inner.join, JoinKind::inner);
  EXPECT_EQ(show(inner.on.get()), "(a.id = b.a_id)");
  EXPECT_EQ(s.from[1].kind, TableRef::Kind::join);
  EXPECT_EQ(s.from[1].join, JoinKind::cross);
}

TEST(ParseMysqlSqlite, FromSubqueryAndFunction) {
  const Select& s = sel(lite("SELECT x.n, j.value FROM (SELECT count(*) AS n FROM t) AS x, json_each(?) j"));
  ASSERT_EQ(s.from.size(), 2u);
  EXPECT_EQ(s.from[0].kind, TableRef::Kind::subquery);
  EXPECT_EQ(s.from[0].alias.name, "x");
  EXPECT_EQ(s.from[0].subquery->targets[0].alias, "n");
  EXPECT_EQ(s.from[1].kind, TableRef::Kind::function);
  EXPECT_EQ(s.from[1].alias.name, "j");
  EXPECT_EQ(show(s.from[1].functions[0].get()), "json_each(?1)");
}

TEST(ParseMysqlSqlite, GroupHavingOrderLimit) {
  const Select& s = sel(my("SELECT a, count(*) FROM t GROUP BY a WITH ROLLUP HAVING count(*) > ? "
                           "ORDER BY 2 DESC, a LIMIT ?, ? FOR UPDATE"));
  EXPECT_EQ(s.group_by.size(), 1u);
  EXPECT_EQ(show(s.having.get()), "(count(*) > ?1)");
  ASSERT_EQ(s.order_by.size(), 2u);
  EXPECT_TRUE(s.order_by[0].descending);
  EXPECT_FALSE(s.order_by[1].descending);
  EXPECT_EQ(show(s.offset_expr.get()), "?2");  // LIMIT offset, count
  EXPECT_EQ(show(s.limit.get()), "?3");
  EXPECT_TRUE(s.locking);
  const Select& l = sel(lite("SELECT a FROM t LIMIT ?2 OFFSET ?1"));
  EXPECT_EQ(show(l.limit.get()), "?2");
  EXPECT_EQ(show(l.offset_expr.get()), "?1");
}

TEST(ParseMysqlSqlite, SetOperationsAndCtes) {
  Statement st = lite("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 10) "
                      "SELECT n FROM c UNION SELECT 0 ORDER BY n LIMIT 3");
  ASSERT_TRUE(st.select);
  const Select& s = *st.select;
  EXPECT_TRUE(s.with.recursive);
  ASSERT_EQ(s.with.ctes.size(), 1u);
  EXPECT_EQ(s.with.ctes[0].name, "c");
  EXPECT_EQ(s.with.ctes[0].columns, std::vector<std::string>{"n"});
  const Select& cte = *s.with.ctes[0].query->select;
  EXPECT_EQ(cte.op, SetOp::union_);
  EXPECT_TRUE(cte.all);
  EXPECT_EQ(s.op, SetOp::union_);
  EXPECT_FALSE(s.all);
  EXPECT_EQ(s.order_by.size(), 1u);
  ASSERT_TRUE(s.limit);
  EXPECT_EQ(s.rarg->targets.size(), 1u);
  const Select& i = sel(my("(SELECT a FROM t) INTERSECT (SELECT a FROM u) EXCEPT SELECT 1"));
  EXPECT_EQ(i.op, SetOp::except);
  EXPECT_EQ(i.larg->op, SetOp::intersect);
}

TEST(ParseMysqlSqlite, InsertValues) {
  Statement st = my("INSERT INTO authors (name, bio) VALUES (?, ?), (?, NULL)");
  ASSERT_EQ(st.kind, Statement::Kind::insert);
  const Insert& ins = *st.insert;
  EXPECT_EQ(ins.table.name, "authors");
  EXPECT_EQ(st.offset, 12u);
  ASSERT_EQ(ins.columns.size(), 2u);
  EXPECT_EQ(ins.columns[1].name, "bio");
  EXPECT_EQ(ins.columns[1].offset, 27u);
  ASSERT_EQ(ins.rows.size(), 2u);
  EXPECT_EQ(show(ins.rows[1][0].get()), "?3");
  EXPECT_EQ(show(ins.rows[1][1].get()), "NULL");
  EXPECT_FALSE(ins.select);
}

TEST(ParseMysqlSqlite, InsertVariants) {
  {
    Statement st = my("INSERT IGNORE INTO t SET a = ?, b = DEFAULT ON DUPLICATE KEY UPDATE a = VALUES(a), b = b + 1");
    const Insert& ins = *st.insert;
    ASSERT_EQ(ins.columns.size(), 2u);
    EXPECT_EQ(ins.columns[0].name, "a");
    ASSERT_EQ(ins.rows.size(), 1u);
    EXPECT_EQ(show(ins.rows[0][1].get()), "DEFAULT");
    ASSERT_EQ(ins.on_duplicate.size(), 2u);
    EXPECT_EQ(ins.on_duplicate[0].column, "a");
    EXPECT_EQ(show(ins.on_duplicate[0].value.get()), "values(a)");
  }
  {
    Statement st = lite("INSERT OR REPLACE INTO t (a) SELECT x FROM u WHERE true ON CONFLICT (a) DO UPDATE SET "
                        "a = excluded.a WHERE a > 0 RETURNING *");
    const Insert& ins = *st.insert;
    ASSERT_TRUE(ins.select);
    ASSERT_TRUE(ins.on_conflict.has_value());
    EXPECT_EQ(ins.on_conflict->action, OnConflict::Action::update);
    EXPECT_EQ(ins.on_conflict->columns, std::vector<std::string>{"a"});
    EXPECT_EQ(show(ins.on_conflict->set[0].value.get()), "excluded.a");
    EXPECT_TRUE(ins.on_conflict->where);
    ASSERT_EQ(ins.returning.size(), 1u);
    EXPECT_TRUE(ins.returning[0].expr->star);
  }
  {
    Statement st = lite("INSERT INTO t DEFAULT VALUES ON CONFLICT DO NOTHING");
    EXPECT_TRUE(st.insert->default_values);
    EXPECT_EQ(st.insert->on_conflict->action, OnConflict::Action::nothing);
  }
  {
    Statement st = my("INSERT INTO t (a) VALUES (?) AS new ON DUPLICATE KEY UPDATE a = new.a + 1");
    EXPECT_EQ(show(st.insert->on_duplicate[0].value.get()), "(a + 1)");
  }
  {
    Statement st = my("REPLACE INTO t (a, b) VALUES (1, 2)");
    ASSERT_EQ(st.kind, Statement::Kind::insert);
    EXPECT_EQ(st.insert->table.name, "t");
    EXPECT_EQ(st.insert->rows.size(), 1u);
  }
  {
    Statement st = lite("WITH x AS (SELECT 1 AS a) INSERT INTO t (a) SELECT a FROM x");
    EXPECT_EQ(st.insert->with.ctes.size(), 1u);
    ASSERT_TRUE(st.insert->select);
  }
}

TEST(ParseMysqlSqlite, Update) {
  Statement st = lite("UPDATE OR IGNORE authors AS a SET name = ?, (bio, age) = (?, ?) FROM x WHERE a.id = x.id "
                      "RETURNING id");
  ASSERT_EQ(st.kind, Statement::Kind::update);
  const Update& u = *st.update;
  EXPECT_EQ(u.table.name, "authors");
  EXPECT_EQ(u.table.alias, "a");
  ASSERT_EQ(u.set.size(), 3u);
  EXPECT_EQ(u.set[1].column, "bio");
  EXPECT_EQ(show(u.set[2].value.get()), "?3");
  EXPECT_EQ(u.from.size(), 1u);
  EXPECT_TRUE(u.where);
  EXPECT_EQ(u.returning.size(), 1u);

  Statement m = my("UPDATE t SET a = a + 1 WHERE b = ? ORDER BY id LIMIT 10");
  EXPECT_EQ(m.update->order_by.size(), 1u);
  EXPECT_EQ(show(m.update->limit.get()), "10");
}

// SQLite's `(a, b) = (SELECT ...)`: the subquery is the first column's value (visited once); the
// later columns have none. Found by fuzz_query_analyze: the second column read the moved-from value.
TEST(ParseMysqlSqlite, RowSetFromSubquery) {
  Statement st = lite("UPDATE t SET (a, b, c) = (SELECT x, y, z FROM u WHERE u.id = ?) WHERE id = ?");
  ASSERT_EQ(st.kind, Statement::Kind::update);
  const Update& u = *st.update;
  ASSERT_EQ(u.set.size(), 3u);
  EXPECT_EQ(u.set[0].column, "a");
  ASSERT_TRUE(u.set[0].value);
  EXPECT_EQ(u.set[0].value->kind, ExprKind::sublink);
  EXPECT_EQ(u.set[2].column, "c");
  EXPECT_FALSE(u.set[1].value);
  EXPECT_FALSE(u.set[2].value);
}

TEST(ParseMysqlSqlite, MultiTableUpdateAndDelete) {
  Statement u = my("UPDATE orders o JOIN users u ON u.id = o.user_id SET o.status = ? WHERE u.name = ?");
  EXPECT_EQ(u.update->table.name, "orders");
  EXPECT_EQ(u.update->table.alias, "o");
  ASSERT_EQ(u.update->joined.size(), 1u);
  EXPECT_EQ(u.update->joined[0].name, "users");
  EXPECT_EQ(u.update->set[0].column, "status");
  EXPECT_EQ(show(u.update->where.get()), "((u.id = o.user_id) AND (u.name = ?2))");

  Statement u2 = my("UPDATE a, b SET b.x = a.x WHERE a.id = b.id");
  EXPECT_EQ(u2.update->table.name, "b");
  EXPECT_EQ(u2.update->joined[0].name, "a");

  Statement d = my("DELETE p FROM posts p JOIN users u ON u.id = p.user_id WHERE u.id = ?");
  ASSERT_EQ(d.kind, Statement::Kind::delete_);
  EXPECT_EQ(d.delete_->table.name, "posts");
  EXPECT_EQ(d.delete_->table.alias, "p");
  ASSERT_EQ(d.delete_->using_.size(), 1u);
  EXPECT_EQ(d.delete_->using_[0].name, "users");

  Statement d2 = my("DELETE FROM posts USING posts JOIN users ON users.id = posts.user_id WHERE users.id = ?");
  EXPECT_EQ(d2.delete_->table.name, "posts");
  EXPECT_EQ(d2.delete_->using_.size(), 1u);

  Statement d3 = lite("DELETE FROM posts WHERE id = ?1 RETURNING id");
  EXPECT_EQ(d3.delete_->table.name, "posts");
  EXPECT_EQ(show(d3.delete_->where.get()), "(id = ?1)");
  EXPECT_EQ(d3.delete_->returning.size(), 1u);
  EXPECT_EQ(d3.offset, 12u);

  Statement d4 = my("DELETE FROM posts WHERE id > ? ORDER BY id LIMIT 5");
  EXPECT_EQ(d4.delete_->order_by.size(), 1u);
  EXPECT_TRUE(d4.delete_->limit);
}

TEST(ParseMysqlSqlite, Parameters) {
  // MySQL: each ? by position; @x is a user variable.
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE a = ? AND b = ? AND c = @x", Dialect::mysql),
            "(((a = ?1) AND (b = ?2)) AND (c = OTHER:@x()))");
  // SQLite: ?N keeps its number; a bare ? follows the largest so far.
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE a = ?2 AND b = ?1 AND c = ?", Dialect::sqlite),
            "(((a = ?2) AND (b = ?1)) AND (c = ?3))");
  // A slice placeholder keeps its comment out of the way.
  EXPECT_EQ(where_of("SELECT 1 FROM t WHERE id IN (/*SLICE:ids*/?)", Dialect::mysql), "(id IN [?1])");
}

TEST(ParseMysqlSqlite, Literals) {
  const Select& s = sel(my("SELECT 'it''s', \"dq\", 1.5, 1e3, 12345678901234567890123, NULL, FALSE, _utf8mb4'x'"));
  std::vector<LiteralKind> kinds;
  for (const auto& t : s.targets) kinds.push_back(t.expr->literal);
  EXPECT_EQ(kinds, (std::vector<LiteralKind>{LiteralKind::string, LiteralKind::string, LiteralKind::number,
                                             LiteralKind::number, LiteralKind::number, LiteralKind::null,
                                             LiteralKind::boolean, LiteralKind::string}));
  EXPECT_EQ(s.targets[0].expr->text, "it's");
  EXPECT_EQ(s.targets[1].expr->text, "dq");  // MySQL: "..." is a string
  const Select& l = sel(lite("SELECT \"col\", X'0A' FROM t"));
  EXPECT_EQ(l.targets[0].expr->kind, ExprKind::column);  // SQLite: "..." is a name
  EXPECT_EQ(l.targets[1].expr->literal, LiteralKind::bits);
}

TEST(ParseMysqlSqlite, OtherStatements) {
  Statement st = my("TRUNCATE TABLE logs");
  EXPECT_EQ(st.kind, Statement::Kind::other);
  EXPECT_EQ(st.other_kind, "TRUNCATE");
  ASSERT_EQ(st.other_tables.size(), 1u);
  EXPECT_EQ(st.other_tables[0].name, "logs");
  Statement c = lite("CREATE TABLE x AS SELECT * FROM y WHERE a = ?");
  EXPECT_EQ(c.other_kind, "CREATE");
  ASSERT_EQ(c.other_exprs.size(), 1u);
  EXPECT_EQ(c.other_exprs[0]->param_number, 1);
}

TEST(ParseMysqlSqlite, TrailingSemicolonAndMultiple) {
  query::ParseResult r = query::parse_query("SELECT 1;", Dialect::sqlite);
  ASSERT_TRUE(r.statement);
  EXPECT_FALSE(r.multiple);
  r = query::parse_query("SELECT 1; SELECT 2;", Dialect::mysql);
  ASSERT_TRUE(r.statement);
  EXPECT_TRUE(r.multiple);
}

TEST(ParseMysqlSqlite, SyntaxErrors) {
  auto err = [](std::string_view sql, Dialect d) {
    query::ParseResult r = query::parse_query(sql, d);
    EXPECT_FALSE(r.statement) << sql;
    return std::pair{r.error, r.error_offset};
  };
  auto [m1, o1] = err("SELECT a b c FROM t", Dialect::mysql);
  EXPECT_EQ(m1, "expected end of statement, found `c`");
  EXPECT_EQ(o1, 11u);
  auto [m2, o2] = err("SELECT * FROM WHERE x = 1", Dialect::sqlite);
  EXPECT_EQ(m2, "expected a table name, found `WHERE`");
  EXPECT_EQ(o2, 14u);
  auto [m3, o3] = err("SELECT a FROM t WHERE", Dialect::mysql);
  EXPECT_EQ(m3, "expected an expression, found end of input");
  EXPECT_EQ(o3, 21u);
  auto [m4, o4] = err("INSERT INTO t (a) VALUES (1", Dialect::sqlite);
  EXPECT_EQ(m4, "expected `)`, found end of input");
  auto [m5, o5] = err("SELECT CAST(a, int) FROM t", Dialect::sqlite);
  EXPECT_EQ(m5, "expected AS, found `,`");
  EXPECT_EQ(o5, 13u);
  auto [m6, o6] = err("SELECT 'open FROM t", Dialect::mysql);
  EXPECT_EQ(m6, "unterminated string literal");
  EXPECT_EQ(o6, 7u);
  std::string deep = "SELECT " + std::string(5000, '(') + "1" + std::string(5000, ')');
  EXPECT_EQ(err(deep, Dialect::sqlite).first, "parentheses nested deeper than 1000 levels");
  EXPECT_TRUE(query::parse_query("SELECT ?99999999999999", Dialect::sqlite).statement);
  auto [m7, o7] = err("FROBNICATE t", Dialect::mysql);
  EXPECT_EQ(m7, "expected a statement, found `FROBNICATE`");
  EXPECT_EQ(o7, 0u);
  (void)o4;
}

TEST(ParseMysqlSqlite, AssortedForms) {
  // Statements that must parse in both dialects (or the one named).
  const std::vector<std::pair<Dialect, std::string>> ok = {
      {Dialect::mysql, "INSERT INTO bar () VALUES ()"},
      {Dialect::mysql, "SELECT 1 FROM DUAL"},
      {Dialect::mysql, "SELECT * FROM t WHERE id = $1"},
      {Dialect::sqlite, "SELECT * FROM t WHERE created > DATE '2020-01-01'"},
      {Dialect::mysql, "SELECT * FROM (a JOIN b ON a.id = b.id) LEFT JOIN c ON c.id = a.id"},
      {Dialect::sqlite, "SELECT ((SELECT 1)), (1), ((a))"},
      {Dialect::mysql, "SELECT * FROM t WHERE a IN ((SELECT 1) UNION (SELECT 2))"},
      {Dialect::mysql, "SELECT * FROM t USE INDEX (ix_a) WHERE a = 1"},
      {Dialect::sqlite, "SELECT * FROM t INDEXED BY ix_a WHERE a = 1"},
      {Dialect::mysql, "SELECT TRIM(LEADING 'x' FROM a), SUBSTRING(a FROM 2 FOR 3), POSITION('a' IN b) FROM t"},
      {Dialect::mysql, "SELECT MATCH (title, body) AGAINST (? IN BOOLEAN MODE) AS score FROM posts"},
      {Dialect::mysql, "SELECT a FROM t LOCK IN SHARE MODE"},
      {Dialect::mysql, "SELECT a FROM t FOR UPDATE SKIP LOCKED"},
      {Dialect::mysql, "SELECT CONVERT(a USING utf8mb4), BINARY a, a COLLATE utf8mb4_bin FROM t"},
      {Dialect::mysql, "INSERT INTO t (a) VALUES (?) AS new ON DUPLICATE KEY UPDATE a = new.a"},
      {Dialect::sqlite, "INSERT INTO t (a) VALUES (?1) ON CONFLICT (a) DO NOTHING RETURNING id, a AS b"},
      {Dialect::sqlite, "UPDATE t SET a = json_set(a, '$.x', ?) WHERE id = ? RETURNING *"},
      {Dialect::sqlite, "SELECT iif(a > 0, 'pos', 'neg'), a -> '$.b', a ->> '$.c' FROM t"},
      {Dialect::sqlite, "SELECT * FROM t WHERE a IN t2"},
      {Dialect::mysql, "WITH c AS (SELECT 1 AS x) UPDATE t JOIN c ON c.x = t.id SET t.a = 1"},
      {Dialect::mysql, "DELETE t1, t2 FROM t1 INNER JOIN t2 ON t1.id = t2.id WHERE t1.id = ?"},
      {Dialect::mysql, "SELECT * FROM t WHERE d > NOW() - INTERVAL 1 DAY AND j MEMBER OF (?)"},
      {Dialect::sqlite, "SELECT count(*) FILTER (WHERE a) FROM t GROUP BY b HAVING count(*) > 1 ORDER BY 1 NULLS LAST"},
      {Dialect::mysql, "SELECT a, b FROM t ORDER BY a DESC LIMIT 10 OFFSET 20"},
      {Dialect::sqlite, "SELECT CAST(a AS INTEGER), CAST(b AS REAL), CAST(c AS TEXT) FROM t"},
      {Dialect::mysql, "SELECT CAST(a AS CHAR(10) CHARACTER SET utf8mb4), CAST(b AS DOUBLE), CAST(c AS JSON) FROM t"},
  };
  for (const auto& [d, sql] : ok) {
    query::ParseResult r = query::parse_query(sql, d);
    EXPECT_TRUE(r.statement) << sql << "\n  error: " << r.error << " @" << r.error_offset;
  }
  EXPECT_EQ(where_of("SELECT * FROM t WHERE id = $1", Dialect::mysql), "(id = ?1)");
  EXPECT_TRUE(sel(my("SELECT 1 FROM DUAL")).from.empty());
  EXPECT_EQ(show(sel(lite("SELECT DATE '2020-01-01'")).targets[0].expr.get()), "CAST('2020-01-01' AS date)");
}
